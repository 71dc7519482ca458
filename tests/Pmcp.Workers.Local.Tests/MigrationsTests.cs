using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Tests;

public sealed class MigrationsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EachMigrationAppliesOnceInOrder()
    {
        _folder.Write("migrations/0002_seed.sql", "INSERT INTO notes (title) VALUES ('first');");
        _folder.Write("migrations/0001_create.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT);\nCREATE INDEX notes_title ON notes (title);");
        _folder.Write("migrations/README.md", "not a migration");
        using var backend = new SqliteD1Backend(_folder.File("db.sqlite"));

        Assert.Equal(["0001_create.sql", "0002_seed.sql"], await LocalMigrations.ApplyAsync(backend, _folder.File("migrations")));
        Assert.Empty(await LocalMigrations.ApplyAsync(backend, _folder.File("migrations")));

        _folder.Write("migrations/0003_more.sql", "INSERT INTO notes (title) VALUES ('second');");
        Assert.Equal(["0003_more.sql"], await LocalMigrations.ApplyAsync(backend, _folder.File("migrations")));

        var db = new D1Database("DB", backend);
        Assert.Equal(2, (await db.Prepare("SELECT count(*) AS n FROM notes").FirstValueAsync("n"))!.Value.GetInt64());
        var recorded = await db.Prepare("SELECT id, name, applied_at FROM d1_migrations ORDER BY id").RawAsync();
        Assert.Equal(["0001_create.sql", "0002_seed.sql", "0003_more.sql"], recorded.Rows.Select(r => r[1].GetString()));
    }

    [Fact]
    public async Task AFailedMigrationLeavesNothingAndSaysWhich()
    {
        _folder.Write("migrations/0001_ok.sql", "CREATE TABLE a (x);");
        _folder.Write("migrations/0002_bad.sql", "CREATE TABLE b (x); INSERT INTO missing VALUES (1);");
        using var backend = new SqliteD1Backend(_folder.File("db.sqlite"));
        var error = await Assert.ThrowsAsync<WorkerException>(() => LocalMigrations.ApplyAsync(backend, _folder.File("migrations")));
        Assert.Contains("0002_bad.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such table: missing", error.Message, StringComparison.Ordinal);

        var db = new D1Database("DB", backend);
        var tables = await db.Prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b') ORDER BY name").RawAsync();
        Assert.Equal(["a"], tables.Rows.Select(r => r[0].GetString()));
        var names = await db.Prepare("SELECT name FROM d1_migrations").RawAsync();
        Assert.Equal(["0001_ok.sql"], names.Rows.Select(r => r[0].GetString()));
    }

    [Fact]
    public async Task NoFolderMeansNothingToApply()
    {
        using var backend = new SqliteD1Backend(_folder.File("db.sqlite"));
        Assert.Empty(await LocalMigrations.ApplyAsync(backend, _folder.File("absent")));
    }

    [Fact]
    public async Task EnvSourceAppliesEachBindingsMigrationsAndRefusesAMissingDeclaredFolder()
    {
        _folder.Write(".pmcp/workers/wrangler.toml", """
            [[d1_databases]]
            binding = "DB"
            database_name = "notes"
            """);
        _folder.Write(".pmcp/workers/migrations/0001_init.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY);");
        using (var source = LocalEnvSource.Load(_folder.Path))
        {
            var results = await source.ApplyMigrationsAsync();
            Assert.Equal(["0001_init.sql"], Assert.Single(results).Applied);
        }

        using (var source = LocalEnvSource.Load(_folder.Path))
        {
            Assert.Empty(Assert.Single(await source.ApplyMigrationsAsync()).Applied);
        }

        _folder.Write(".pmcp/workers/wrangler.toml", """
            [[d1_databases]]
            binding = "DB"
            database_name = "notes"
            migrations_dir = "nowhere"
            """);
        using (var source = LocalEnvSource.Load(_folder.Path))
        {
            var error = await Assert.ThrowsAsync<WorkerException>(() => source.ApplyMigrationsAsync());
            Assert.Contains("migrations_dir", error.Message, StringComparison.Ordinal);
        }
    }
}
