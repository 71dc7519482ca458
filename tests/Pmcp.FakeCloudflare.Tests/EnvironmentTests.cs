namespace Pmcp.FakeCloudflare.Tests;

/// <summary><c>wrangler deploy --env staging</c>: the environment's own Worker name, vars and routes.</summary>
public sealed class EnvironmentTests
{
    [WranglerFact]
    public async Task StagingDeploysItsOwnWorkerWithItsVarsAndRoutes()
    {
        await using var cloudflare = await DeployTests.StartWithBucketAsync();
        using var project = new WorkerProject(cloudflare.AccountId);

        var run = (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env", "staging"])).Succeeded();

        Assert.Null(cloudflare.Script(WorkerProject.Name));
        var script = cloudflare.Script(WorkerProject.StagingName)!;
        Assert.Equal(new Dictionary<string, string> { ["GREETING"] = "hello staging" }, script.Metadata!.Vars);
        Assert.Equal(WorkerProject.CompatibilityDate, script.Metadata.CompatibilityDate);
        Assert.False(script.WorkersDevEnabled);
        var route = Assert.Single(script.Routes);
        Assert.Equal(("staging.example.com/*", "example.com"), (route.Pattern, route.ZoneName));

        // With workers.dev off, wrangler looks the zone up by name and checks its routes before publishing.
        Assert.Contains(cloudflare.Requests, request => request.Path == "/zones" && request.Query.Contains("name=example.com", StringComparison.Ordinal));
        Assert.Contains(cloudflare.Requests, request => request.Path == $"/zones/{route.ZoneId}/workers/routes");

        var lines = run.StdOutLines.ToList();
        var deployed = lines.FindIndex(line => line.StartsWith($"Deployed {WorkerProject.StagingName} triggers (", StringComparison.Ordinal));
        Assert.True(deployed >= 0, run.ToString());
        Assert.Equal("  staging.example.com/* (zone name: example.com)", lines[deployed + 1]);
        Assert.Equal($"Current Version ID: {script.LatestVersion!.Id}", lines[deployed + 2]);
        Assert.DoesNotContain("workers.dev", run.StdOut, StringComparison.Ordinal);

        var entry = run.Entry("deploy");
        Assert.Equal("staging", entry["wrangler_environment"]!.GetValue<string>());
        Assert.Equal(WorkerProject.StagingName, entry["worker_name"]!.GetValue<string>());
        Assert.Empty(cloudflare.UnhandledRequests);
    }
}
