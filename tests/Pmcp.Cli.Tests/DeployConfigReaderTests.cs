using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Tests;

/// <summary>Reading deploy.toml: both spellings of the target, and a clear message for each mistake.</summary>
public sealed class DeployConfigReaderTests
{
    private const string File = ".pmcp/deploy.toml";

    private static DeployConfig Parse(string toml) => DeployConfigReader.Parse(toml, File);

    private static string ErrorOf(string toml) => Assert.Throws<CliException>(() => Parse(toml)).Message;

    [Theory]
    [InlineData("target_type")]
    [InlineData("type")]
    public void TheTargetIsReadFromEitherKey(string key)
    {
        var config = Parse($"[target]\n{key} = \"cloudflare-workers\"\n[workers]\nname = \"my-server\"\n");
        Assert.Equal("my-server", config.WorkerName);
        Assert.Equal(Tools.PinnedTools.DefaultCompatibilityDate, config.CompatibilityDate);
        Assert.Equal("build/worker/shim.mjs", config.Main);
    }

    [Fact]
    public void TheFullFileReadsAsWritten()
    {
        var config = Parse(WranglerRegenerationTests.FullDeployToml);

        Assert.Equal("acc-123", config.AccountId);
        Assert.Equal(["CACHE", "DB", "STORAGE", "EXTERNAL_DB", "AUTH", "BILLING"], config.Bindings.Select(b => b.Name));
        Assert.Equal([new DeployRoute("mcp.example.com/*"), new DeployRoute("tools.example.com", CustomDomain: true)], config.Routes);
        Assert.Equal(["staging", "production"], config.Environments.Select(e => e.Key));
        Assert.Equal(50L, config.Vars.Single(v => v.Key == "MAX_ITEMS").Value);
    }

    [Theory]
    [InlineData("[workers]\nname = \"s\"\n[workers.kv_namespaces]\nCACHE = 42\n",
        "'.pmcp/deploy.toml': [workers.kv_namespaces] CACHE must be a string (the namespace id), e.g. CACHE = \"…\", or a table such as CACHE = { id = \"…\" }.")]
    [InlineData("[workers]\nname = \"s\"\n[workers.d1_databases]\nDB = { database_name = \"x\" }\n",
        "'.pmcp/deploy.toml': [workers.d1_databases] DB has no database_id; add database_id = \"…\" (the database id).")]
    [InlineData("[workers]\nname = \"s\"\n[workers.kv_namespace]\nCACHE = \"x\"\n",
        "'.pmcp/deploy.toml': unknown key [workers] kv_namespace; the keys of [workers] are name, compatibility_date, main, workers_dev, routes, vars, limits, observability, kv_namespaces, d1_databases, r2_buckets, hyperdrive, services, durable_objects. Check its spelling.")]
    [InlineData("[target]\ntarget_type = \"aws-lambda\"\n[workers]\nname = \"s\"\n",
        "'.pmcp/deploy.toml': [target] target_type \"aws-lambda\" is not supported; the one target is target_type = \"cloudflare-workers\".")]
    [InlineData("[target]\ntarget_type = \"cloudflare-workers\"\ntype = \"aws-lambda\"\n[workers]\nname = \"s\"\n",
        "'.pmcp/deploy.toml': [target] has target_type = \"cloudflare-workers\" and type = \"aws-lambda\"; keep one of them: target_type = \"cloudflare-workers\".")]
    [InlineData("[workers]\nname = \"My_Server\"\n",
        "'.pmcp/deploy.toml': [workers] name \"My_Server\" is not a valid Worker name: use 1 to 63 lower-case letters, digits and dashes, not starting or ending with a dash, e.g. \"my-server\".")]
    [InlineData("[server]\nname = \"s\"\n",
        "'.pmcp/deploy.toml': [workers] is missing; add it with name = \"my-mcp-server\" (or run dotnet pmcp deploy init --force to write the default file).")]
    [InlineData("[workers]\nname = \"s\"\ncompatibility_date = \"2099-01-01\"\n",
        "'.pmcp/deploy.toml': [workers] compatibility_date \"2099-01-01\" is newer than the pinned workerd (1.20261117.1) supports; set it to \"2026-11-17\" or earlier.")]
    [InlineData("[workers]\nname = \"s\"\ncompatibility_date = \"01/02/2024\"\n",
        "'.pmcp/deploy.toml': [workers] compatibility_date \"01/02/2024\" is not a date; write it as \"YYYY-MM-DD\", e.g. compatibility_date = \"2026-11-17\".")]
    [InlineData("[workers]\nname = \"s\"\nworkers_dev = \"yes\"\n",
        "'.pmcp/deploy.toml': [workers] workers_dev must be true or false (without quotes).")]
    [InlineData("[workers]\nname = \"s\"\n[workers.vars]\nLIMITS = [1, 2]\n",
        "'.pmcp/deploy.toml': [workers.vars] LIMITS must be a string, a number or true/false, e.g. LIMITS = \"value\"; secrets do not belong here: use wrangler secret put LIMITS.")]
    [InlineData("[workers]\nname = \"s\"\n[[workers.routes]]\npattern = \"mcp.example.com/*\"\ncustom_domain = true\n",
        "'.pmcp/deploy.toml': [[workers.routes]] pattern \"mcp.example.com/*\" has custom_domain = true, so it must be a host name only (no '*' or path), e.g. \"mcp.example.com\".")]
    [InlineData("[workers]\nname = \"s\"\n[env.Staging]\nname = \"s-staging\"\n",
        "'.pmcp/deploy.toml': [env.Staging]: an environment's name is lower-case letters, digits, '-' and '_' (it becomes --env Staging); rename it, e.g. [env.staging].")]
    [InlineData("[workers]\nname = \"s\"\n[workers.kv_namespaces]\n2CACHE = \"x\"\n",
        "'.pmcp/deploy.toml': [workers.kv_namespaces] 2CACHE is not a valid binding name: use letters, digits and '_', not starting with a digit (your code calls it by this name).")]
    public void MistakesNameTheFileTheKeyAndTheFix(string toml, string message) => Assert.Equal(message, ErrorOf(toml));

    [Theory]
    [InlineData("", "auto", null)]
    [InlineData("[build]\nplan = \"paid\"\n", "auto", "paid")]
    [InlineData("[build]\nsnapshot = true\n", "on", null)]
    [InlineData("[build]\nsnapshot = false\n", "off", null)]
    [InlineData("[build]\nsnapshot = \"auto\"\nplan = \"free\"\n", "auto", "free")]
    public void TheStartUpImageIsAutoUnlessSetAndPlanIsStillAccepted(string build, string snapshot, string? plan)
    {
        var config = Parse("[workers]\nname = \"s\"\n" + build);
        Assert.Equal(snapshot, config.Snapshot);
        Assert.Equal(plan, config.Plan);
    }

    [Theory]
    [InlineData("[build]\nsnapshot = \"yes\"\n", "'.pmcp/deploy.toml': [build] snapshot must be true, false or \"auto\" (the default: on when the bundle with its start-up image fits Cloudflare's 64 MiB size limit).")]
    [InlineData("[build]\nplan = \"pro\"\n", "'.pmcp/deploy.toml': [build] plan \"pro\" is not a plan, and plan no longer changes anything (every plan allows 64 MiB since September 2026): delete the line.")]
    public void BadStartUpImageSettingsSayWhatToWrite(string build, string message) => Assert.Equal(message, ErrorOf("[workers]\nname = \"s\"\n" + build));

    [Theory]
    [InlineData("1", 1)]
    [InlineData("30000", 30000)]
    [InlineData("300000", 300000)]
    public void TheCpuLimitIsReadInMilliseconds(string value, int expected) =>
        Assert.Equal(expected, Parse($"[workers]\nname = \"s\"\n[workers.limits]\ncpu_ms = {value}\n").CpuMs);

    [Theory]
    [InlineData("cpu_ms = 0")]
    [InlineData("cpu_ms = 300001")]
    [InlineData("cpu_ms = 1.5")]
    [InlineData("cpu_ms = \"30s\"")]
    public void ACpuLimitOutOfRangeSaysWhatCloudflareAccepts(string line) => Assert.Equal(
        "'.pmcp/deploy.toml': [workers.limits] cpu_ms must be a whole number of milliseconds from 1 to 300000 (5 minutes), e.g. cpu_ms = 30000 (Cloudflare's default on the Paid plan; the Free plan's 10 ms cannot be changed).",
        ErrorOf($"[workers]\nname = \"s\"\n[workers.limits]\n{line}\n"));

    [Fact]
    public void AServiceBindingHasTheOtherWorkersNameAndItsDevSettings()
    {
        var config = Parse("[workers]\nname = \"s\"\n[workers.services]\nAUTH = { service = \"auth-worker\", project = \"../Auth\", url = \"http://127.0.0.1:8788\" }\nPLAIN = \"plain-worker\"\n");

        var auth = Assert.Single(config.Bindings, b => b.Name == "AUTH");
        Assert.Equal(BindingKind.Service, auth.Kind);
        Assert.Equal("auth-worker", auth.Value);
        Assert.Equal("../Auth", auth.Option(BindingKind.ProjectKey));
        Assert.Equal("http://127.0.0.1:8788", auth.Option(BindingKind.UrlKey));
        Assert.Equal([new("service", "auth-worker")], auth.WranglerFields());
        Assert.Equal("plain-worker", Assert.Single(config.Bindings, b => b.Name == "PLAIN").Value);
    }

    [Theory]
    [InlineData("AUTH = { project = \"../Auth\" }", "[workers.services] AUTH has no service; add service = \"…\" (the other Worker's name).")]
    [InlineData("AUTH = { service = \"a\", url = \"localhost:8788\" }", "[workers.services] AUTH.url \"localhost:8788\" is not an absolute http:// or https:// URL; it is where dev --native sends the binding's requests, e.g. url = \"http://127.0.0.1:8788\".")]
    [InlineData("AUTH = { service = \"a\", port = 8788 }", "[workers.services] AUTH has an unknown key port; its keys are service, entrypoint, project, url.")]
    public void ABadServiceBindingSaysHowToWriteIt(string line, string message) =>
        Assert.Equal("'.pmcp/deploy.toml': " + message, ErrorOf($"[workers]\nname = \"s\"\n[workers.services]\n{line}\n"));

    [Fact]
    public void TheSubrequestLimitIsReadWithTheCpuLimit()
    {
        var config = Parse("[workers]\nname = \"s\"\n[workers.limits]\ncpu_ms = 100\nsubrequests = 1000\n");
        Assert.Equal(1000, config.Subrequests);
        Assert.Equal(100, config.CpuMs);
        Assert.Null(Parse("[workers]\nname = \"s\"\n").Subrequests);
    }

    [Theory]
    [InlineData("subrequests = 0")]
    [InlineData("subrequests = -5")]
    [InlineData("subrequests = \"many\"")]
    [InlineData("subrequests = 2.5")]
    public void ABadSubrequestLimitSaysWhatIsAccepted(string line) => Assert.Equal(
        "'.pmcp/deploy.toml': [workers.limits] subrequests must be a whole number of at least 1, e.g. subrequests = 1000 (the default is 50 per request on the Free plan and 10,000 on Paid).",
        ErrorOf($"[workers]\nname = \"s\"\n[workers.limits]\n{line}\n"));

    [Fact]
    public void TheCpuLimitHasNoOtherKeys() =>
        Assert.StartsWith("'.pmcp/deploy.toml': unknown key [workers.limits] memory_mb", ErrorOf("[workers]\nname = \"s\"\n[workers.limits]\nmemory_mb = 128\n"), StringComparison.Ordinal);

    [Fact]
    public void InvalidTomlNamesTheFile() => Assert.StartsWith("'.pmcp/deploy.toml' is not valid TOML:", ErrorOf("[workers\nname = 1"), StringComparison.Ordinal);
}
