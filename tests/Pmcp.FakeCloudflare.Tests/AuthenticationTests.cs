namespace Pmcp.FakeCloudflare.Tests;

/// <summary>A token the account does not know: wrangler stops at the first call with Cloudflare's authentication error.</summary>
public sealed class AuthenticationTests
{
    [WranglerFact]
    public async Task WrongTokenFailsWithAClearError()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = new WorkerProject(cloudflare.AccountId);

        var run = await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="], environment: new Dictionary<string, string> { ["CLOUDFLARE_API_TOKEN"] = "not-the-token" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Authentication error [code: 10000]", run.Output, StringComparison.Ordinal);
        Assert.Contains("authenticating Wrangler via a custom API token", run.Output, StringComparison.Ordinal);
        Assert.NotNull(run.Entry("command-failed"));
        Assert.Empty(cloudflare.Scripts);
    }
}
