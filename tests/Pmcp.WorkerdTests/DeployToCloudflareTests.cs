using System.Text.Json.Nodes;
using Pmcp.FakeCloudflare;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// <c>dotnet pmcp deploy</c> and its subcommands end to end with the real wrangler, against a faithful fake of
/// Cloudflare's API on 127.0.0.1: what wrangler uploaded (script, bindings, compatibility date, routes, secrets) and
/// what the CLI recorded and reports. Each test deploys the fresh project's bundle (built once) from its own copy.
/// </summary>
[Collection("workerd")]
public sealed class DeployToCloudflareTests(FreshProject fresh)
{
    private const string Worker = "my-server";

    [Fact]
    public async Task DeployUploadsTheWorkerWithItsBindingsAndRecordsItsUrls()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);

        var deploy = await project.RunAsync(cloudflare, "deploy", ".", "--no-build");

        var script = Assert.IsType<WorkerScript>(cloudflare.Script(Worker));
        var metadata = Assert.IsType<WorkerMetadata>(script.Metadata);
        Assert.Equal(Tools.CompatibilityDate, metadata.CompatibilityDate);
        Assert.Equal("development", metadata.Vars["ENVIRONMENT"]);
        Assert.Equal("kv-cache-id", metadata.Binding("CACHE")?.Property("namespace_id"));
        Assert.Equal("d1-db-id", metadata.Binding("DB")?.Property("id"));
        Assert.Equal("notes-files", metadata.Binding("STORAGE")?.Property("bucket_name"));
        Assert.Contains(script.Modules, module => module.Name.EndsWith(".wasm", StringComparison.Ordinal));
        Assert.True(script.WorkersDevEnabled);
        Assert.Contains(script.Routes, route => route.Pattern == "mcp.example.com/*" && route.ZoneName == "example.com");
        Assert.Empty(cloudflare.UnhandledRequests);

        var url = cloudflare.WorkersDevUrl(Worker);
        Assert.Contains($"WorkerUrl: {url}", deploy, StringComparison.Ordinal);
        var outputs = await project.RunAsync(cloudflare, "deploy", "outputs", ".");
        Assert.Contains($"WorkerUrl: {url}", outputs, StringComparison.Ordinal);
        Assert.Contains($"McpEndpoint: {url}/mcp", outputs, StringComparison.Ordinal);
        var json = JsonNode.Parse(await project.RunAsync(cloudflare, "deploy", "outputs", ".", "--format", "json"))!;
        Assert.Equal(url + "/mcp", json["McpEndpoint"]!.GetValue<string>());
        Assert.Equal(Worker, json["WorkerName"]!.GetValue<string>());
        Assert.Equal(script.LatestVersion!.Id, json["VersionId"]!.GetValue<string>());

        var vscode = await project.RunAsync(cloudflare, "connect", ".", "--deployed", "--client", "vscode");
        Assert.Contains($"\"url\": \"{url}/mcp\"", vscode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEnvironmentDeploysUnderItsOwnNameWithItsVars()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);

        await project.RunAsync(cloudflare, "deploy", ".", "--no-build", "--env", "staging");

        var staging = Assert.IsType<WorkerScript>(cloudflare.Script(Worker + "-staging"));
        Assert.Equal("staging", staging.Metadata!.Vars["ENVIRONMENT"]);
        Assert.Equal("kv-cache-id", staging.Metadata.Binding("CACHE")?.Property("namespace_id")); // passed on by Pmcp
        Assert.Null(cloudflare.Script(Worker));
        var outputs = await project.RunAsync(cloudflare, "deploy", "outputs", ".", "--env", "staging");
        Assert.Contains($"WorkerUrl: {cloudflare.WorkersDevUrl(Worker + "-staging")}", outputs, StringComparison.Ordinal);

        var missing = await project.RunFailingAsync(cloudflare, "deploy", "outputs", ".");
        Assert.Contains("no deployment of the top-level Worker", missing, StringComparison.Ordinal);
        Assert.Contains("--env staging", missing, StringComparison.Ordinal);
        var unknown = await project.RunFailingAsync(cloudflare, "deploy", ".", "--no-build", "--env", "qa");
        Assert.Contains("production, staging", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsAreSetFromStdinOrAVariableListedAndDeletedWithoutEverBeingPrinted()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);
        await project.RunAsync(cloudflare, "deploy", ".", "--no-build");
        const string value = "s3cret-from-stdin";
        const string other = "s3cret-from-variable";

        var set = await project.RunWithInputAsync(cloudflare, value + "\n", "deploy", "secrets", "set", "MCP_API_KEY", ".");
        var fromEnv = await project.RunWithEnvironmentAsync(cloudflare, new Dictionary<string, string> { ["MY_VALUE"] = other }, "deploy", "secrets", "set", "DB_PASSWORD", ".", "--from-env", "MY_VALUE");

        var secrets = cloudflare.Script(Worker)!.Secrets;
        Assert.Equal(value, secrets["MCP_API_KEY"]);
        Assert.Equal(other, secrets["DB_PASSWORD"]);
        Assert.DoesNotContain(value, set, StringComparison.Ordinal);
        Assert.DoesNotContain(other, fromEnv, StringComparison.Ordinal);
        Assert.DoesNotContain(cloudflare.Requests, request => request.ToString().Contains(value, StringComparison.Ordinal));

        var list = JsonNode.Parse(await project.RunAsync(cloudflare, "deploy", "secrets", "list", ".", "--format", "json"))!.AsArray();
        Assert.Equal(["DB_PASSWORD", "MCP_API_KEY"], list.Select(n => n!.GetValue<string>()));

        var unconfirmed = await project.RunFailingAsync(cloudflare, "deploy", "secrets", "delete", "MCP_API_KEY", ".");
        Assert.Contains("--yes", unconfirmed, StringComparison.Ordinal);
        Assert.True(cloudflare.Script(Worker)!.Secrets.ContainsKey("MCP_API_KEY"));
        await project.RunAsync(cloudflare, "deploy", "secrets", "delete", "MCP_API_KEY", ".", "--yes");
        Assert.Equal(["DB_PASSWORD"], cloudflare.Script(Worker)!.Secrets.Keys);

        var onArgv = await project.RunFailingAsync(cloudflare, "deploy", "secrets", "set", "X", ".", "--from-env", "not a name");
        Assert.Contains("not the value", onArgv, StringComparison.Ordinal);
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    [Fact]
    public async Task DestroyDeletesTheWorkerAndItsRecordOnlyWhenConfirmed()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);
        await project.RunAsync(cloudflare, "deploy", ".", "--no-build");

        var unconfirmed = await project.RunFailingAsync(cloudflare, "deploy", "destroy", ".");
        Assert.Contains("add --yes", unconfirmed, StringComparison.Ordinal);
        Assert.False(cloudflare.Script(Worker)!.Deleted);

        var destroyed = await project.RunAsync(cloudflare, "deploy", "destroy", ".", "--yes");
        Assert.Contains("Deleted the Worker my-server", destroyed, StringComparison.Ordinal);
        Assert.True(cloudflare.Script(Worker)!.Deleted);
        var outputs = await project.RunFailingAsync(cloudflare, "deploy", "outputs", ".");
        Assert.Contains("no deployment of the top-level Worker", outputs, StringComparison.Ordinal);
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    [Fact]
    public async Task LogsShowWhatTheWorkerLogsWithTheChosenFilters()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);
        await project.RunAsync(cloudflare, "deploy", ".", "--no-build");

        var logs = project.RunAsync(cloudflare, "deploy", "logs", ".", "--format", "json", "--status", "error", "--search", "tool_call", "--duration", "15");
        var tail = await cloudflare.WaitForTailAsync(Worker, TimeSpan.FromSeconds(60));
        await tail.SendAsync(TailEvents.Fetch(Worker, "https://my-server.pmcp-test.workers.dev/mcp", "POST", 500, "exception", "tool_call failed: boom"));
        var output = await logs;

        Assert.Contains("tool_call failed: boom", output, StringComparison.Ordinal);
        var filters = tail.Filters!.ToJsonString();
        Assert.Contains("\"exception\"", filters, StringComparison.Ordinal); // what wrangler makes of --status error
        Assert.Contains("tool_call", filters, StringComparison.Ordinal);
        Assert.True(tail.Deleted, "wrangler tail deletes its tail when stopped");
    }

    [Fact]
    public async Task RejectedCredentialsAreAClearError()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);

        var output = await project.RunFailingWithEnvironmentAsync(cloudflare, new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = "wrong" }, "deploy", ".", "--no-build");

        Assert.Contains("CLOUDFLARE_API_TOKEN", output, StringComparison.Ordinal);
        Assert.Null(cloudflare.Script(Worker));
        Assert.False(File.Exists(Path.Combine(project.Directory, ".pmcp", "deploy-outputs.json")));
    }

    private static class Tools
    {
        /// <summary>The compatibility date deploy init writes (the pinned workerd's).</summary>
        public static string CompatibilityDate => "2026-11-17";
    }

    /// <summary>A copy of the fresh project (its .csproj and built bundle) with a deploy.toml of its own, in a temp folder.</summary>
    private sealed class DeployProject : IDisposable
    {
        private DeployProject(string directory) => Directory = directory;

        public string Directory { get; }

        public static DeployProject CopyOf(FreshProject fresh, string accountId)
        {
            var directory = System.IO.Directory.CreateTempSubdirectory("pmcp-deploy-").FullName;
            File.Copy(Path.Combine(fresh.ProjectDirectory, "MyServer.csproj"), Path.Combine(directory, "MyServer.csproj"));
            CopyFolder(Path.Combine(fresh.ProjectDirectory, ".pmcp", "workers", "build"), Path.Combine(directory, ".pmcp", "workers", "build"));
            File.WriteAllText(Path.Combine(directory, ".pmcp", "deploy.toml"), $$"""
                [target]
                target_type = "cloudflare-workers"

                [server]
                name = "my-server"

                [cloudflare]
                account_id = "{{accountId}}"

                [workers]
                name = "my-server"
                compatibility_date = "{{Tools.CompatibilityDate}}"
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

        private static void CopyFolder(string from, string to)
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }
}
