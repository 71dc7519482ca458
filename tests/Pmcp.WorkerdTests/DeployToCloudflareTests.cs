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
    public async Task DeployUploadsTheWorkerWithItsBindingsAndRecordsItsUrlsAndStartupTime()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync(new FakeCloudflareOptions { StartupTimeMs = 37 });
        using var project = DeployProject.CopyOf(fresh, cloudflare.AccountId);

        var deploy = await project.RunAsync(cloudflare, "deploy", ".", "--no-build");

        var script = Assert.IsType<WorkerScript>(cloudflare.Script(Worker));
        var metadata = Assert.IsType<WorkerMetadata>(script.Metadata);
        Assert.Equal(DeployProject.CompatibilityDate, metadata.CompatibilityDate);
        Assert.Equal("development", metadata.Vars["ENVIRONMENT"]);
        Assert.Equal("kv-cache-id", metadata.Binding("CACHE")?.Property("namespace_id"));
        Assert.Equal("d1-db-id", metadata.Binding("DB")?.Property("id"));
        Assert.Equal("notes-files", metadata.Binding("STORAGE")?.Property("bucket_name"));
        // deploy.toml's [workers.observability], through wrangler.toml's [observability]: Workers Logs kept.
        Assert.True(metadata.Json["observability"]?["enabled"]?.GetValue<bool>(), metadata.ToString());
        Assert.Equal(0.5, metadata.Json["observability"]?["head_sampling_rate"]?.GetValue<double>());
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
        // Cloudflare's startup_time_ms for the upload, as wrangler printed it ("Worker Startup Time: 37 ms").
        Assert.Contains("StartupTime: 37 ms", outputs, StringComparison.Ordinal);
        Assert.Equal(37, json["StartupTimeMs"]!.GetValue<int>());

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
}
