using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare.Tests;

/// <summary><c>wrangler secret put/list/delete</c>: the value goes in on stdin and never comes back out.</summary>
public sealed class SecretTests
{
    private const string Value = "s3cr3t-value";

    [WranglerFact]
    public async Task SecretsRoundTrip()
    {
        await using var cloudflare = await DeployTests.StartWithBucketAsync();
        using var project = new WorkerProject(cloudflare.AccountId);
        (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();

        var put = (await Wrangler.RunAsync(cloudflare, project.Path, ["secret", "put", "API_KEY", "--env="], stdin: Value + "\n")).Succeeded();
        var script = cloudflare.Script(WorkerProject.Name)!;
        Assert.Equal(new Dictionary<string, string> { ["API_KEY"] = Value }, script.Secrets);
        Assert.Contains("Success! Uploaded secret API_KEY", put.Output, StringComparison.Ordinal);

        // A secret change deploys a new version, as on Cloudflare.
        Assert.Equal("secret", script.Deployments[0].TriggeredBy);

        var list = (await Wrangler.RunAsync(cloudflare, project.Path, ["secret", "list", "--env="])).Succeeded();
        var secrets = JsonNode.Parse(list.StdOut)!.AsArray();
        var secret = Assert.Single(secrets)!;
        Assert.Equal(("API_KEY", "secret_text"), (secret["name"]!.GetValue<string>(), secret["type"]!.GetValue<string>()));

        var delete = (await Wrangler.RunAsync(cloudflare, project.Path, ["secret", "delete", "API_KEY", "--env="])).Succeeded();
        Assert.Empty(script.Secrets);
        Assert.Contains("Success! Deleted secret API_KEY", delete.Output, StringComparison.Ordinal);

        Assert.All([put, list, delete], run => Assert.DoesNotContain(Value, run.Output, StringComparison.Ordinal));
        Assert.Empty(cloudflare.UnhandledRequests);
    }
}
