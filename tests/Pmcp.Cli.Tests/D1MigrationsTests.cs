using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Tests;

/// <summary>
/// Which D1 databases <c>dev</c> migrates before serving: the top level's, or with <c>--env NAME</c> that environment's
/// (wrangler does not pass bindings on to environments, so the top level's are not the staging Worker's).
/// </summary>
public sealed class D1MigrationsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pmcp-d1-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void TheTopLevelAndEachEnvironmentMigrateTheirOwnDatabases()
    {
        var toml = Write("""
            name = "notes"

            [[d1_databases]]
            binding = "DB"
            database_name = "notes-db"
            database_id = "1111"
            migrations_dir = "db/migrations"

            [[d1_databases]]
            binding = "AUDIT"
            database_id = "2222"

            [env.staging]
            name = "notes-staging"

            [[env.staging.d1_databases]]
            binding = "DB"
            database_name = "notes-db-staging"
            database_id = "3333"

            [env.production]
            name = "notes-production"
            """);

        Assert.Equal([("notes-db", "db/migrations"), ("AUDIT", "migrations")], D1Migrations.Databases(toml));
        Assert.Equal([("notes-db-staging", "migrations")], D1Migrations.Databases(toml, "staging"));
        Assert.Empty(D1Migrations.Databases(toml, "production"));
    }

    [Fact]
    public void AFileWithoutDatabasesMigratesNothing()
    {
        var toml = Write("""
            name = "hello"
            [vars]
            GREETING = "hi"
            """);

        Assert.Empty(D1Migrations.Databases(toml));
        Assert.Empty(D1Migrations.Databases(toml, "staging"));
    }

    private string Write(string text)
    {
        var path = Path.Combine(_folder.FullName, "wrangler.toml");
        File.WriteAllText(path, text);
        return path;
    }
}
