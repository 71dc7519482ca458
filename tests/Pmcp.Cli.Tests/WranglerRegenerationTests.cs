using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Tests;

/// <summary>deploy.toml is the source of truth: wrangler.toml's derived parts follow it, the user's additions stay.</summary>
public sealed class WranglerRegenerationTests
{
    internal const string FullDeployToml = """
        [target]
        type = "cloudflare-workers"

        [server]
        name = "my-mcp-server"

        [cloudflare]
        account_id = "acc-123"
        zone_id = "zone-9"

        [workers]
        name = "my-mcp-server"
        compatibility_date = "2024-01-01"
        main = "build/worker/shim.mjs"

        [workers.vars]
        LOG_LEVEL = "info"
        ENVIRONMENT = "development"
        MAX_ITEMS = 50

        [workers.kv_namespaces]
        CACHE = "kv-123"

        [workers.d1_databases]
        DB = { database_id = "d1-456", database_name = "my-database", migrations_dir = "migrations" }

        [workers.r2_buckets]
        STORAGE = "my-bucket"

        [workers.hyperdrive]
        EXTERNAL_DB = "hd-789"

        [workers.services]
        AUTH = { service = "auth-worker", project = "../AuthWorker", url = "http://127.0.0.1:8788" }
        BILLING = "billing-worker"

        [[workers.routes]]
        pattern = "mcp.example.com/*"

        [[workers.routes]]
        pattern = "tools.example.com"
        custom_domain = true

        [workers.limits]
        cpu_ms = 50000
        subrequests = 2000

        [env.staging]
        name = "my-mcp-server-staging"

        [env.staging.vars]
        ENVIRONMENT = "staging"

        [env.staging.kv_namespaces]
        CACHE = "kv-staging"

        [env.production]
        name = "my-mcp-server-prod"

        [[env.production.routes]]
        pattern = "mcp.example.com/*"
        zone_id = "zone-prod"

        [env.production.vars]
        ENVIRONMENT = "production"
        """;

    /// <summary>What a project folder holds besides bin/, obj/ and .pmcp/: wrangler dev watches them.</summary>
    private static readonly string[] Sources = ["Models.cs", "MyMcpServer.csproj", "Tools"];

    private static string Generate(string deployToml, string? existing = null) =>
        WranglerTomlWriter.Write(DeployConfigReader.Parse(deployToml, ".pmcp/deploy.toml"), existing, ".pmcp/workers/wrangler.toml", Sources).Text;

    [Fact]
    public void EveryDerivedPartComesFromDeployToml() => Golden.Matches("full.wrangler.toml", Generate(FullDeployToml));

    [Fact]
    public void ServiceBindingsBecomeServicesEntriesWithoutTheirDevSettings()
    {
        var text = Generate(FullDeployToml);

        Assert.Contains("[[services]]\nbinding = \"AUTH\"\nservice = \"auth-worker\"\n", text, StringComparison.Ordinal);
        Assert.Contains("[[services]]\nbinding = \"BILLING\"\nservice = \"billing-worker\"\n", text, StringComparison.Ordinal);
        Assert.Contains("[[env.staging.services]]\nbinding = \"AUTH\"\nservice = \"auth-worker\"\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("../AuthWorker", text, StringComparison.Ordinal); // dev's settings stay in deploy.toml
        Assert.DoesNotContain("8788", text, StringComparison.Ordinal);
        var services = (Tomlyn.Model.TomlTableArray)Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(text)!["services"];
        Assert.Equal(["AUTH", "BILLING"], services.Select(s => (string)s["binding"]));
    }

    [Fact]
    public void HandEditsAreKept()
    {
        var generated = Generate(FullDeployToml);
        var edited = generated
            .Replace("account_id = \"acc-123\"\nworkers_dev = false\n", "account_id = \"acc-123\"\nworkers_dev = false\ncompatibility_flags = [\"nodejs_compat\"] # for the crypto module\n", StringComparison.Ordinal)
            .Replace("migrations_dir = \"migrations\"\n", "migrations_dir = \"migrations\"\nremote = true\n", StringComparison.Ordinal)
            .Replace("[env.staging]\nname = \"my-mcp-server-staging\"\n", "[env.staging]\nname = \"my-mcp-server-staging\"\nlogpush = true\n", StringComparison.Ordinal)
            .Replace("[define]\n", "[define]\n\"globalThis.DEBUG\" = \"false\"\n", StringComparison.Ordinal)
            .Replace("name = \"my-mcp-server\"\n", "name = \"hand-renamed\"\n", StringComparison.Ordinal) // derived: deploy.toml wins
            .Replace("[vars]\n", "[vars]\nHAND_VAR = \"x\"\n", StringComparison.Ordinal) // derived: deploy.toml wins
            + "\n# Logs in the dashboard\n[observability]\nenabled = true\nhead_sampling_rate = 0.5\n\n[[env.staging.unsafe.bindings]]\nname = \"RATE\"\ntype = \"ratelimit\"\n";

        var result = WranglerTomlWriter.Write(DeployConfigReader.Parse(FullDeployToml, ".pmcp/deploy.toml"), edited, ".pmcp/workers/wrangler.toml", Sources);

        Golden.Matches("edited.wrangler.toml", result.Text);
        Assert.Equal(
            [
                "compatibility_flags", "[[d1_databases]] DB.remote", "[define] globalThis.DEBUG", "[env.staging] logpush",
                "[[env.staging.d1_databases]] DB.remote", "[[env.production.d1_databases]] DB.remote", "[observability]", "[[env.staging.unsafe.bindings]]",
            ],
            result.Kept);
        Assert.Equal(result.Text, Generate(FullDeployToml, result.Text)); // a fixed point: building again changes nothing
    }

    [Fact]
    public void ChangesInDeployTomlReachWranglerToml()
    {
        var first = Generate(FullDeployToml) + "\n[observability]\nenabled = true\n";
        var changed = FullDeployToml
            .Replace("CACHE = \"kv-123\"", "CACHE = \"kv-new\"\nSESSIONS = \"kv-sessions\"", StringComparison.Ordinal)
            .Replace("STORAGE = \"my-bucket\"", "", StringComparison.Ordinal)
            .Replace("compatibility_date = \"2024-01-01\"", "compatibility_date = \"2025-06-01\"", StringComparison.Ordinal);

        var text = Generate(changed, first);

        Assert.Contains("compatibility_date = \"2025-06-01\"", text, StringComparison.Ordinal);
        Assert.Contains("binding = \"CACHE\"\nid = \"kv-new\"", text, StringComparison.Ordinal);
        Assert.Contains("binding = \"SESSIONS\"\nid = \"kv-sessions\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("r2_buckets", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kv-123", text, StringComparison.Ordinal);
        Assert.Contains("[observability]\nenabled = true\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentsGetTheTopLevelVarsAndBindingsWithTheirOwnWinning()
    {
        var text = Generate(FullDeployToml);

        Assert.Contains("[env.staging.vars]\nLOG_LEVEL = \"info\"\nMAX_ITEMS = 50\nENVIRONMENT = \"staging\"\n", text, StringComparison.Ordinal);
        Assert.Contains("[[env.staging.kv_namespaces]]\nbinding = \"CACHE\"\nid = \"kv-staging\"\n", text, StringComparison.Ordinal);
        Assert.Contains("[[env.production.kv_namespaces]]\nbinding = \"CACHE\"\nid = \"kv-123\"\n", text, StringComparison.Ordinal);
        Assert.Contains("[[env.production.routes]]\npattern = \"mcp.example.com/*\"\nzone_id = \"zone-prod\"\n", text, StringComparison.Ordinal);
        Assert.Contains("[env.production]\nname = \"my-mcp-server-prod\"\nworkers_dev = false\n", text, StringComparison.Ordinal);
        Assert.Contains("[env.staging]\nname = \"my-mcp-server-staging\"\nworkers_dev = true\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBuildSectionRebuildsThroughDotnetPmcpAndWatchesOnlyTheSources()
    {
        var table = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(Generate(FullDeployToml, "name = \"x\"\n[build]\ncommand = \"make\"\n"))!;
        var build = (Tomlyn.Model.TomlTable)table["build"];

        Assert.Equal("dotnet pmcp deploy build ../.. --target cloudflare-workers", build["command"]);
        Assert.Equal(["../../Models.cs", "../../MyMcpServer.csproj", "../../Tools"], ((Tomlyn.Model.TomlArray)build["watch_dir"]).Cast<string>());
    }

    [Fact]
    public void TheSourcesLeaveOutWhatTheBuildWrites()
    {
        using var project = new TempProject();
        foreach (var folder in new[] { "bin", "obj", ".pmcp", ".vs", "Tools", "node_modules" })
        {
            Directory.CreateDirectory(Path.Combine(project.Directory, folder));
        }

        File.WriteAllText(Path.Combine(project.Directory, "Models.cs"), "");

        Assert.Equal(["Models.cs", "MyServer.csproj", "Tools"], WranglerBuildSection.Sources(project.Directory));
    }

    [Fact]
    public void TheCpuLimitReachesWranglerTomlAndOnlyWhenSet()
    {
        var table = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(Generate(FullDeployToml))!;
        Assert.Equal(50000L, ((Tomlyn.Model.TomlTable)table["limits"])["cpu_ms"]);
        Assert.Equal(2000L, ((Tomlyn.Model.TomlTable)table["limits"])["subrequests"]);

        var without = Generate(FullDeployToml.Replace("[workers.limits]\ncpu_ms = 50000\nsubrequests = 2000\n", "", StringComparison.Ordinal), Generate(FullDeployToml));
        Assert.DoesNotContain("[limits]", without, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidWranglerTomlIsNamed()
    {
        var error = Assert.Throws<CliException>(() => Generate(FullDeployToml, "name = \"x\"\n[vars\n"));
        Assert.StartsWith("'.pmcp/workers/wrangler.toml' is not valid TOML", error.Message, StringComparison.Ordinal);
        Assert.Contains("deploy init --force", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGeneratedFileIsReadByTheSameTomlParser()
    {
        var table = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(Generate(FullDeployToml))!;
        Assert.Equal("my-mcp-server", table["name"]);
        Assert.Equal("acc-123", table["account_id"]);
        Assert.Equal(3, ((Tomlyn.Model.TomlTableArray)table["rules"]).Count);
    }
}
