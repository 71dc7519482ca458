using Pmcp.FakeCloudflare;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// A copy of a built project (its .csproj and built bundle) with a deploy.toml of its own, in a temp folder: what
/// <c>dotnet pmcp deploy --no-build</c> needs, run against the fake Cloudflare API.
/// </summary>
internal sealed class DeployProject : IDisposable
{
    /// <summary>The compatibility date deploy init writes (the pinned workerd's).</summary>
    public const string CompatibilityDate = "2026-11-17";

    private DeployProject(string directory) => Directory = directory;

    public string Directory { get; }

    public static DeployProject CopyOf(FreshProject fresh, string accountId) => CopyOf(fresh.ProjectDirectory, accountId);

    public static DeployProject CopyOf(string projectDirectory, string accountId)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("pmcp-deploy-").FullName;
        var csproj = System.IO.Directory.GetFiles(projectDirectory, "*.csproj").Single();
        File.Copy(csproj, Path.Combine(directory, Path.GetFileName(csproj)));
        Folders.Copy(Path.Combine(projectDirectory, ".pmcp", "workers", "build"), Path.Combine(directory, ".pmcp", "workers", "build"));
        File.WriteAllText(Path.Combine(directory, ".pmcp", "deploy.toml"), $$"""
            [target]
            target_type = "cloudflare-workers"

            [server]
            name = "my-server"

            [cloudflare]
            account_id = "{{accountId}}"

            [workers]
            name = "my-server"
            compatibility_date = "{{CompatibilityDate}}"
            workers_dev = true

            [workers.vars]
            ENVIRONMENT = "development"

            [workers.kv_namespaces]
            CACHE = "kv-cache-id"

            [workers.d1_databases]
            DB = { database_id = "d1-db-id", database_name = "notes" }

            [workers.r2_buckets]
            STORAGE = "notes-files"

            [[workers.routes]]
            pattern = "mcp.example.com/*"
            zone_name = "example.com"

            [workers.observability]
            enabled = true
            head_sampling_rate = 0.5

            [env.staging]
            name = "my-server-staging"

            [env.staging.vars]
            ENVIRONMENT = "staging"

            [env.production]
            name = "my-server-prod"
            """);
        return new DeployProject(directory);
    }

    public Task<string> RunAsync(FakeCloudflareApi cloudflare, params string[] arguments) => RunAsync(cloudflare, null, null, arguments);

    public Task<string> RunWithInputAsync(FakeCloudflareApi cloudflare, string standardInput, params string[] arguments) => RunAsync(cloudflare, standardInput, null, arguments);

    public Task<string> RunWithEnvironmentAsync(FakeCloudflareApi cloudflare, IReadOnlyDictionary<string, string> extra, params string[] arguments) => RunAsync(cloudflare, null, extra, arguments);

    public Task<string> RunFailingAsync(FakeCloudflareApi cloudflare, params string[] arguments) => RunFailingWithEnvironmentAsync(cloudflare, new Dictionary<string, string>(), arguments);

    public async Task<string> RunFailingWithEnvironmentAsync(FakeCloudflareApi cloudflare, IReadOnlyDictionary<string, string> extra, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await StartAsync(cloudflare, null, extra, arguments);
        Assert.True(exitCode != 0, $"dotnet pmcp {string.Join(' ', arguments)} should have failed:\n{stdout}\n{stderr}");
        Assert.Contains("error: ", stderr, StringComparison.Ordinal);
        return stdout + stderr;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private async Task<string> RunAsync(FakeCloudflareApi cloudflare, string? standardInput, IReadOnlyDictionary<string, string>? extra, string[] arguments)
    {
        var (exitCode, stdout, stderr) = await StartAsync(cloudflare, standardInput, extra, arguments);
        Assert.True(exitCode == 0, $"dotnet pmcp {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        return stdout;
    }

    private Task<(int ExitCode, string StdOut, string StdErr)> StartAsync(FakeCloudflareApi cloudflare, string? standardInput, IReadOnlyDictionary<string, string>? extra, string[] arguments)
    {
        var environment = new Dictionary<string, string>(WorkerdFixture.Environment);
        foreach (var (name, value) in cloudflare.WranglerEnvironment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, .. arguments], Directory, TimeSpan.FromMinutes(3), environment, standardInput);
    }
}
