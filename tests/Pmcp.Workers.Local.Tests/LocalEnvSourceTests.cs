using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Tests;

public sealed class LocalEnvSourceTests : IDisposable
{
    private const string Wrangler = """
        name = "notes"
        main = "build/worker/shim.mjs"

        [vars]
        RUST_LOG = "info"
        PAGE_SIZE = 20
        DEBUG = true
        FEATURES = { search = true }
        SHARED = "from-vars"

        [[kv_namespaces]]
        binding = "CACHE"
        id = "0123456789abcdef"

        [[d1_databases]]
        binding = "DB"
        database_name = "notes-db"
        database_id = "xxxx"

        [[d1_databases]]
        binding = "OTHER"
        database_name = "other"
        migrations_dir = "db/changes"

        [[r2_buckets]]
        binding = "STORAGE"
        bucket_name = "attachments"

        [[hyperdrive]]
        binding = "EXTERNAL_DB"
        id = "hd"
        localConnectionString = "postgres://app:p%40ss@localhost:6543/inventory?sslmode=disable"

        [[hyperdrive]]
        binding = "NO_LOCAL"
        id = "hd2"

        [env.staging.vars]
        RUST_LOG = "debug"

        [[env.staging.kv_namespaces]]
        binding = "STAGING_CACHE"
        id = "fedcba9876543210"
        """;

    private readonly TempFolder _project = new();

    public void Dispose() => _project.Dispose();

    private LocalEnvSource Load(Dictionary<string, string>? environment = null)
    {
        var workers = LocalEnvSource.WorkersDirectoryOf(_project.Path);
        return environment is null
            ? LocalEnvSource.Load(_project.Path)
            : new LocalEnvSource(WranglerConfig.Load(Path.Combine(workers, "wrangler.toml")), DevVars.Load(Path.Combine(workers, ".dev.vars")),
                LocalEnvSource.StateDirectoryOf(_project.Path), name => environment.GetValueOrDefault(name));
    }

    [Fact]
    public void ReadsVarsSecretsAndBindings()
    {
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        _project.Write(".pmcp/workers/.dev.vars", "API_KEY=s3cret\nSHARED=from-dev-vars\n");
        using var source = Load();
        var env = new Env(source);
        Assert.Equal("info", env.Var("RUST_LOG"));
        Assert.Equal("20", env.Var("PAGE_SIZE"));
        Assert.Equal("true", env.Var("DEBUG"));
        Assert.Equal("""{"search":true}""", env.Var("FEATURES"));
        Assert.Equal("s3cret", env.Secret("API_KEY"));
        Assert.Equal("from-dev-vars", env.Var("SHARED")); // .dev.vars wins, as in wrangler dev

        Assert.Equal("CACHE", env.Kv("CACHE").Name);
        Assert.Equal("DB", env.D1("DB").Name);
        Assert.Equal("STORAGE", env.Bucket("STORAGE").Name);
        Assert.Equal(["CACHE"], source.Config.KvNamespaces.Select(k => k.Binding));
        Assert.Equal("notes-db", source.Config.D1Databases[0].DatabaseName);
        Assert.Equal(Path.Combine(_project.Path, ".pmcp", "workers", "migrations"), source.Config.D1Databases[0].MigrationsDirectory);
        Assert.Equal(Path.Combine(_project.Path, ".pmcp", "workers", "db", "changes"), source.Config.D1Databases[1].MigrationsDirectory);
        Assert.Equal("attachments", source.Config.R2Buckets[0].BucketName);
    }

    [Fact]
    public void AnEnvironmentGivesItsOwnVarsAndBindingsAsWranglerDevEnvDoes()
    {
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        using var source = LocalEnvSource.Load(_project.Path, wranglerEnvironment: "staging");
        var env = new Env(source);

        Assert.Equal("debug", env.Var("RUST_LOG"));
        Assert.Throws<WorkerException>(() => env.Var("PAGE_SIZE")); // not inherited, as in wrangler
        Assert.Equal("STAGING_CACHE", env.Kv("STAGING_CACHE").Name);
        Assert.Throws<WorkerException>(() => env.Kv("CACHE"));

        var missing = Assert.Throws<WorkerException>(() => LocalEnvSource.Load(_project.Path, wranglerEnvironment: "qa"));
        Assert.Contains("[env.qa]", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HyperdriveGivesTheLocalConnectionAndItsParts()
    {
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        using var source = Load([]);
        var hyperdrive = new Env(source).Hyperdrive("EXTERNAL_DB");
        Assert.Equal("localhost", hyperdrive.Host);
        Assert.Equal(6543, hyperdrive.Port);
        Assert.Equal("app", hyperdrive.User);
        Assert.Equal("p@ss", hyperdrive.Password);
        Assert.Equal("inventory", hyperdrive.Database);
        Assert.StartsWith("postgres://", hyperdrive.ConnectionString, StringComparison.Ordinal);

        var missing = Assert.Throws<WorkerException>(() => new Env(source).Hyperdrive("NO_LOCAL"));
        Assert.Contains("localConnectionString", missing.Message, StringComparison.Ordinal);
        Assert.Contains("CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_NO_LOCAL", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HyperdriveConnectionCanComeFromWranglersVariable()
    {
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        using var source = Load(new() { ["CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_NO_LOCAL"] = "mysql://root@db.internal/shop" });
        var hyperdrive = new Env(source).Hyperdrive("NO_LOCAL");
        Assert.Equal(("db.internal", 3306, "root", "", "shop"), (hyperdrive.Host, hyperdrive.Port, hyperdrive.User, hyperdrive.Password, hyperdrive.Database));
    }

    [Fact]
    public void ProcessEnvironmentIsNotAVarSource()
    {
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        using var source = Load(new() { ["HOME_ONLY"] = "x" });
        var error = Assert.Throws<WorkerException>(() => new Env(source).Var("HOME_ONLY"));
        Assert.Contains("[vars]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingWranglerTomlMeansNoBindingsButDevVarsStillCount()
    {
        _project.Write(".pmcp/workers/.dev.vars", "TOKEN=abc");
        using var source = Load();
        var env = new Env(source);
        Assert.Equal("abc", env.Secret("TOKEN"));
        var error = Assert.Throws<WorkerException>(() => env.Kv("CACHE"));
        Assert.Contains("[[kv_namespaces]]", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(source.StateDirectory)); // nothing is created until a binding is used
    }

    [Fact]
    public void BadTomlIsAClearError()
    {
        var path = _project.Write(".pmcp/workers/wrangler.toml", "[vars\nX = 1");
        var error = Assert.Throws<WorkerException>(() => LocalEnvSource.Load(_project.Path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("TOML", error.Message, StringComparison.Ordinal);

        _project.Write(".pmcp/workers/wrangler.toml", "[kv_namespaces]\nbinding = \"CACHE\"");
        Assert.Contains("[[kv_namespaces]]", Assert.Throws<WorkerException>(() => LocalEnvSource.Load(_project.Path)).Message, StringComparison.Ordinal);

        _project.Write(".pmcp/workers/wrangler.toml", "[[r2_buckets]]\nbucket_name = \"b\"");
        Assert.Contains("binding = \"NAME\"", Assert.Throws<WorkerException>(() => LocalEnvSource.Load(_project.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoresLiveUnderTheProjectsStateFolderAndPersist()
    {
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        using (var source = Load())
        {
            var env = new Env(source);
            await env.Kv("CACHE").PutAsync("k", "v");
            await env.D1("DB").ExecAsync("CREATE TABLE t (x); INSERT INTO t VALUES (1);");
            await env.Bucket("STORAGE").PutAsync("a/b", "body");
        }

        var state = Path.Combine(_project.Path, ".pmcp", "state");
        Assert.True(File.Exists(Path.Combine(state, "kv", "CACHE.sqlite")));
        Assert.True(File.Exists(Path.Combine(state, "d1", "notes-db.sqlite")));
        Assert.True(File.Exists(Path.Combine(state, "r2", "attachments", "index.sqlite")));

        using (var source = Load())
        {
            var env = new Env(source);
            Assert.Equal("v", await env.Kv("CACHE").GetTextAsync("k"));
            Assert.Equal(1, (await env.D1("DB").Prepare("SELECT x FROM t").FirstValueAsync("x"))!.Value.GetInt64());
            Assert.Equal("body", await (await env.Bucket("STORAGE").GetAsync("a/b"))!.ReadTextAsync());
        }
    }

    [Fact]
    public void DevVarsFollowsDotenvRules()
    {
        var values = DevVars.Parse("""
            # a comment
            export A=1
            B = spaced  # trailing comment
            C="line\nbreak"
            D='lit\n # kept'
            E="multi
            line"
            F=
            G=a=b
            """, ".dev.vars");
        Assert.Equal("1", values["A"]);
        Assert.Equal("spaced", values["B"]);
        Assert.Equal("line\nbreak", values["C"]);
        Assert.Equal("lit\\n # kept", values["D"]);
        Assert.Equal("multi\nline", values["E"]);
        Assert.Equal("", values["F"]);
        Assert.Equal("a=b", values["G"]);
        var error = Assert.Throws<WorkerException>(() => DevVars.Parse("JUST_A_NAME", ".dev.vars"));
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }
}
