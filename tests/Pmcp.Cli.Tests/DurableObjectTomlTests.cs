using Pmcp.Cli.Deploy;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Tests;

/// <summary>
/// deploy.toml's <c>[workers.durable_objects]</c> becomes wrangler.toml's <c>[[durable_objects.bindings]]</c> (also per
/// environment, since wrangler does not pass them on), and the bound classes get <c>[[migrations]]</c>: appended to the
/// history already in wrangler.toml, never rewriting a tag.
/// </summary>
public sealed class DurableObjectTomlTests
{
    private const string DeployToml = """
        [target]
        type = "cloudflare-workers"

        [workers]
        name = "rooms"
        compatibility_date = "2026-01-01"

        [workers.durable_objects]
        COUNTER = "Counter"
        ROOMS = { class_name = "ChatRoom" }
        REMOTE = { class_name = "Elsewhere", script_name = "other-worker" }

        [env.staging]
        name = "rooms-staging"
        """;

    private static string Generate(string deployToml, string? existing = null) =>
        WranglerTomlWriter.Write(DeployConfigReader.Parse(deployToml, ".pmcp/deploy.toml"), existing, ".pmcp/workers/wrangler.toml", []).Text;

    private static TomlTable Parse(string toml) => TomlSerializer.Deserialize<TomlTable>(toml)!;

    private static List<TomlTable> Migrations(TomlTable root) => [.. ((TomlTableArray)root["migrations"]).Cast<TomlTable>()];

    private static List<string> Strings(TomlTable table, string key) => [.. ((TomlArray)table[key]).Cast<string>()];

    [Fact]
    public void BindingsAreWrittenAtTheTopAndInEachEnvironment()
    {
        var root = Parse(Generate(DeployToml));

        var bindings = ((TomlTableArray)((TomlTable)root["durable_objects"])["bindings"]).Cast<TomlTable>().ToList();
        Assert.Equal(["COUNTER", "ROOMS", "REMOTE"], bindings.Select(b => (string)b["name"]));
        Assert.Equal(["Counter", "ChatRoom", "Elsewhere"], bindings.Select(b => (string)b["class_name"]));
        Assert.Equal("other-worker", bindings[2]["script_name"]);
        Assert.False(bindings[0].ContainsKey("script_name"));

        var staging = (TomlTable)((TomlTable)root["env"])["staging"];
        var stagingBindings = ((TomlTableArray)((TomlTable)staging["durable_objects"])["bindings"]).Cast<TomlTable>();
        Assert.Equal(["COUNTER", "ROOMS", "REMOTE"], stagingBindings.Select(b => (string)b["name"]));
    }

    [Fact]
    public void TheFirstMigrationCreatesTheBoundClassesAsSqliteClasses()
    {
        var migrations = Migrations(Parse(Generate(DeployToml)));

        var only = Assert.Single(migrations);
        Assert.Equal("v1", only["tag"]);
        // Another Worker's class (script_name) is that Worker's to migrate.
        Assert.Equal(["Counter", "ChatRoom"], Strings(only, "new_sqlite_classes"));
    }

    [Fact]
    public void RegeneratingKeepsTheHistoryAndAddsNothingWhenNoClassIsNew()
    {
        var first = Generate(DeployToml);
        var second = Generate(DeployToml, first);

        Assert.Equal(first, second);
        Assert.Single(Migrations(Parse(second)));
    }

    [Fact]
    public void ANewClassGetsANewTagAfterTheDeployedOnes()
    {
        var first = Generate(DeployToml);
        var withSessions = DeployToml.Replace("COUNTER = \"Counter\"", "COUNTER = \"Counter\"\nSESSIONS = \"McpSession\"", StringComparison.Ordinal);

        var migrations = Migrations(Parse(Generate(withSessions, first)));

        Assert.Equal(["v1", "v2"], migrations.Select(m => (string)m["tag"]));
        Assert.Equal(["Counter", "ChatRoom"], Strings(migrations[0], "new_sqlite_classes"));
        Assert.Equal(["McpSession"], Strings(migrations[1], "new_sqlite_classes"));
    }

    [Fact]
    public void HandWrittenMigrationsAreKeptAsWrittenAndCountedAsHistory()
    {
        // A class created before (new_classes, key-value backed), one renamed, one deleted, with comments: all kept.
        const string existing = """
            name = "rooms"

            # The first deploy, before SQLite storage.
            [[migrations]]
            tag = "initial"
            new_classes = ["Counter", "OldRoom"]

            [[migrations]]
            tag = "rename-room"
            renamed_classes = [{ from = "OldRoom", to = "ChatRoom" }]

            [[migrations]]
            tag = "v3"
            deleted_classes = ["Gone"]
            """;

        var text = Generate(DeployToml.Replace("ROOMS = { class_name = \"ChatRoom\" }", "ROOMS = { class_name = \"ChatRoom\" }\nGONE = \"Gone\"", StringComparison.Ordinal), existing);
        var migrations = Migrations(Parse(text));

        Assert.Contains("# The first deploy, before SQLite storage.", text, StringComparison.Ordinal);
        Assert.Equal(["initial", "rename-room", "v3", "v4"], migrations.Select(m => (string)m["tag"]));
        Assert.Equal(["Counter", "OldRoom"], Strings(migrations[0], "new_classes"));
        // Counter and ChatRoom exist already; Gone was deleted, so binding it again creates it anew.
        Assert.Equal(["Gone"], Strings(migrations[3], "new_sqlite_classes"));
    }

    [Fact]
    public void NoDurableObjectsMeansNoMigrations()
    {
        var text = Generate(DeployToml.Split("[workers.durable_objects]")[0]);

        Assert.DoesNotContain("migrations", text, StringComparison.Ordinal);
        Assert.DoesNotContain("durable_objects", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownKeyIsAClearError()
    {
        var error = Assert.Throws<CliException>(() => Generate(DeployToml.Replace("{ class_name = \"ChatRoom\" }", "{ class_name = \"ChatRoom\", sqlite = true }", StringComparison.Ordinal)));

        Assert.Contains("[workers.durable_objects] ROOMS has an unknown key sqlite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMigrationsKeyThatIsNotAListIsAClearError()
    {
        var error = Assert.Throws<CliException>(() => Generate(DeployToml, "migrations = \"v1\"\n"));

        Assert.Contains("migrations must be a list of tables", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeployInitImportsTheBindingsOfAnExistingWranglerToml()
    {
        const string wrangler = "name = \"rooms\"\n[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"Counter\"\n\n[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n";

        var config = WranglerImport.Apply(DeployConfig.Default("rooms", "2026-01-01"), wrangler, "wrangler.toml");

        var binding = Assert.Single(config.Bindings);
        Assert.Equal((BindingKind.DurableObject, "COUNTER", "Counter"), (binding.Kind, binding.Name, binding.Value));
        // Regenerated over the same file, the history stays as it was: nothing appended.
        Assert.Single(Migrations(Parse(WranglerTomlWriter.Write(config, wrangler, "wrangler.toml", []).Text)));
    }

    [Fact]
    public void DeployTomlWrittenBackKeepsTheBindings()
    {
        var config = DeployConfigReader.Parse(DeployToml, ".pmcp/deploy.toml");

        var again = DeployConfigReader.Parse(DeployTomlWriter.Write(config), ".pmcp/deploy.toml");

        Assert.Equal(config.Bindings.Select(b => (b.Kind, b.Name, b.Value)), again.Bindings.Select(b => (b.Kind, b.Name, b.Value)));
    }
}
