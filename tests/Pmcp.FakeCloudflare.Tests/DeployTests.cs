namespace Pmcp.FakeCloudflare.Tests;

/// <summary><c>wrangler deploy</c> of the top-level environment: the upload, its bindings, and the triggers it publishes.</summary>
public sealed class DeployTests
{
    [WranglerFact]
    public async Task FirstDeployUploadsTheScriptWithItsBindingsAndSettings()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = new WorkerProject(cloudflare.AccountId);

        var run = (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();

        var script = cloudflare.Script(WorkerProject.Name)!;
        var metadata = script.Metadata!;
        Assert.Equal("index.js", metadata.MainModule);
        var main = Assert.Single(script.Modules, module => module.Name == "index.js");
        Assert.Equal("application/javascript+module", main.ContentType);
        Assert.Contains("new Response(\"ok\")", main.Text, StringComparison.Ordinal);
        Assert.Equal(WorkerProject.CompatibilityDate, metadata.CompatibilityDate);
        Assert.Equal(["nodejs_compat"], metadata.CompatibilityFlags);

        // vars travel as plain_text bindings; KV's id as namespace_id and D1's database_id as id.
        Assert.Equal(new Dictionary<string, string> { ["GREETING"] = "hello" }, metadata.Vars);
        AssertBinding(metadata, "CACHE", "kv_namespace", "namespace_id", WorkerProject.KvNamespaceId);
        AssertBinding(metadata, "DB", "d1", "id", WorkerProject.D1DatabaseId);
        AssertBinding(metadata, "FILES", "r2_bucket", "bucket_name", WorkerProject.R2Bucket);
        AssertBinding(metadata, "PG", "hyperdrive", "id", WorkerProject.HyperdriveId);
        Assert.Contains("secret_text", metadata.KeepBindings);

        // A first deploy uploads the whole script, which Cloudflare deploys at once.
        Assert.Contains(cloudflare.Requests, request => request.Method == "PUT" && request.Path == $"/accounts/{cloudflare.AccountId}/workers/scripts/{WorkerProject.Name}");
        var version = Assert.Single(script.Versions);
        var deployment = Assert.Single(script.Deployments);
        Assert.Equal(new VersionTraffic(version.Id, 100), Assert.Single(deployment.Versions));

        // The missing R2 bucket is created, since nobody can be asked.
        Assert.Contains(WorkerProject.R2Bucket, cloudflare.R2Buckets);
        Assert.Contains($"Creating new R2 Bucket \"{WorkerProject.R2Bucket}\"", run.Output, StringComparison.Ordinal);
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    [WranglerFact]
    public async Task DeployPublishesWorkersDevRoutesAndCustomDomainsAndReportsThem()
    {
        await using var cloudflare = await StartWithBucketAsync();
        using var project = new WorkerProject(cloudflare.AccountId);

        var run = (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();

        var script = cloudflare.Script(WorkerProject.Name)!;
        Assert.True(script.WorkersDevEnabled);
        var route = Assert.Single(script.Routes);
        Assert.Equal(("api.example.com/*", "example.com"), (route.Pattern, route.ZoneName));
        Assert.Equal("mcp.example.com", Assert.Single(script.CustomDomains).Hostname);

        // What wrangler prints, and writes to its output file, for each target.
        string[] targets = [cloudflare.WorkersDevUrl(WorkerProject.Name), "api.example.com/* (zone name: example.com)", "mcp.example.com (custom domain)"];
        Assert.Equal("https://pmcp-fake.pmcp-test.workers.dev", targets[0]);
        var lines = run.StdOutLines.ToList();
        var deployed = lines.FindIndex(line => line.StartsWith($"Deployed {WorkerProject.Name} triggers (", StringComparison.Ordinal));
        Assert.True(deployed >= 0, run.ToString());
        Assert.Equal([.. targets.Select(target => "  " + target)], lines.Skip(deployed + 1).Take(3));
        Assert.Equal($"Current Version ID: {script.LatestVersion!.Id}", lines[deployed + 4]);

        var entry = run.Entry("deploy");
        Assert.Equal(WorkerProject.Name, entry["worker_name"]!.GetValue<string>());
        Assert.Equal(script.LatestVersion.Id, entry["version_id"]!.GetValue<string>());
        Assert.Equal(targets, entry["targets"]!.AsArray().Select(target => target!.GetValue<string>()));
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    [WranglerFact]
    public async Task RedeployUploadsANewVersionAndDeploysIt()
    {
        await using var cloudflare = await StartWithBucketAsync();
        using var project = new WorkerProject(cloudflare.AccountId);
        (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();
        cloudflare.ClearRequests();

        var run = (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();

        // An existing module Worker gets a version uploaded, then a deployment of it at 100%.
        var script = cloudflare.Script(WorkerProject.Name)!;
        var scriptPath = $"/accounts/{cloudflare.AccountId}/workers/scripts/{WorkerProject.Name}";
        Assert.Contains(cloudflare.Requests, request => request is { Method: "POST" } && request.Path == scriptPath + "/versions");
        Assert.Contains(cloudflare.Requests, request => request is { Method: "POST" } && request.Path == scriptPath + "/deployments");
        Assert.DoesNotContain(cloudflare.Requests, request => request.Path.Contains("/r2/buckets", StringComparison.Ordinal) && request.Method == "POST");
        Assert.Equal(2, script.Versions.Count);
        Assert.Equal(new VersionTraffic(script.LatestVersion!.Id, 100), Assert.Single(script.Deployments[0].Versions));
        Assert.Equal(script.Tag, run.Entry("deploy")["worker_tag"]!.GetValue<string>());

        var deployments = (await Wrangler.RunAsync(cloudflare, project.Path, ["deployments", "list", "--env="])).Succeeded();
        Assert.All(script.Versions, version => Assert.Contains(version.Id, deployments.StdOut, StringComparison.Ordinal));
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    [WranglerFact]
    public async Task DryRunCallsNoApi()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = new WorkerProject(cloudflare.AccountId);

        var run = (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--dry-run", "--env="])).Succeeded();

        Assert.Contains("--dry-run: exiting now.", run.StdOut, StringComparison.Ordinal);
        Assert.Empty(cloudflare.Requests);
        Assert.Null(cloudflare.Script(WorkerProject.Name));
    }

    internal static Task<FakeCloudflareApi> StartWithBucketAsync()
    {
        var options = new FakeCloudflareOptions();
        options.R2Buckets.Add(WorkerProject.R2Bucket);
        return FakeCloudflareApi.StartAsync(options);
    }

    private static void AssertBinding(WorkerMetadata metadata, string name, string type, string property, string value)
    {
        var binding = metadata.Binding(name);
        Assert.True(binding is not null, $"No binding {name} in {metadata}");
        Assert.Equal(type, binding.Type);
        Assert.Equal(value, binding.Property(property));
    }
}
