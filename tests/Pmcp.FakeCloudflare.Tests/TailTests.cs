using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare.Tests;

/// <summary><c>wrangler tail</c>: it creates a tail, connects its WebSocket, prints the events, and deletes the tail at the end.</summary>
public sealed class TailTests
{
    [WranglerFact]
    public async Task TailPrintsInjectedEventsAsJson()
    {
        await using var cloudflare = await DeployTests.StartWithBucketAsync();
        using var project = new WorkerProject(cloudflare.AccountId);
        (await Wrangler.RunAsync(cloudflare, project.Path, ["deploy", "--env="])).Succeeded();

        using var process = Wrangler.Start(cloudflare, project.Path, ["tail", "--format", "json", "--env="]);
        var tail = await cloudflare.WaitForTailAsync(WorkerProject.Name, TimeSpan.FromSeconds(60));
        await tail.SendAsync(TailEvents.Fetch(WorkerProject.Name, "https://api.example.com/mcp", "POST", logs: "hello from the tail"));
        await WaitForAsync(() => process.StdOut.Contains("hello from the tail", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        // A normal closure ends wrangler tail cleanly: it deletes the tail and exits 0.
        await tail.CloseAsync();
        var run = (await process.WaitAsync(TimeSpan.FromSeconds(60))).Succeeded();

        var printed = JsonNode.Parse(run.StdOut)!;
        Assert.Equal(WorkerProject.Name, printed["scriptName"]!.GetValue<string>());
        Assert.Equal("POST", printed["event"]!["request"]!["method"]!.GetValue<string>());
        Assert.Equal("hello from the tail", printed["logs"]![0]!["message"]![0]!.GetValue<string>());
        Assert.Equal("{\"debug\":false}", tail.ClientMessage);
        Assert.True(tail.Deleted);
        Assert.Empty(cloudflare.UnhandledRequests);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for wrangler tail to print the event.");
            await Task.Delay(50);
        }
    }
}
