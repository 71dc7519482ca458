using Pmcp.Cli.Testing;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Testing;

namespace Pmcp.Cli.Tests;

/// <summary>
/// <c>test check</c> must not cause side effects on a server someone uses: against a URL that is not on loopback only
/// tools annotated read-only are called, and the others are reported as skipped with the reason.
/// </summary>
public sealed class CheckSideEffectTests
{
    [Theory]
    [InlineData("https://my-server.example.workers.dev/mcp", false, false)]
    [InlineData("https://my-server.example.workers.dev/mcp", true, true)]
    [InlineData("http://127.0.0.1:8787/mcp", false, true)]
    [InlineData("http://localhost:8787/mcp", false, true)]
    [InlineData("http://[::1]:8787/mcp", false, true)]
    public void OnlyLoopbackOrAllowWritesCallsEveryTool(string url, bool allowWrites, bool callsAll) =>
        Assert.Equal(callsAll, CheckPolicy.For(new Uri(url), allowWrites).CallAllTools);

    [Fact]
    public async Task ARemotePolicyCallsTheReadOnlyToolAndSkipsTheOther()
    {
        var writes = 0;
        var reads = 0;
        var server = McpServer.CreateBuilder("writes", "1.0.0")
            .Tool<string>("delete-all", "Deletes everything", _ => { Interlocked.Increment(ref writes); return ValueTask.FromResult("deleted"); })
            .Tool<string>("peek", "Reads something", _ => { Interlocked.Increment(ref reads); return ValueTask.FromResult("seen"); },
                new ToolOptions { Annotations = new ToolAnnotations { ReadOnlyHint = true } })
            .Build();
        await using var native = await NativeServer.StartAsync(server);
        var endpoint = new Uri(native.McpUrl);
        using var client = new McpHttpClient(endpoint, bearerToken: null, TimeSpan.FromSeconds(30));

        var remote = CheckPolicy.For(new Uri("https://my-server.example.workers.dev/mcp"), allowWrites: false);
        var results = await new ServerChecker(client, remote).RunAsync(CancellationToken.None);

        Assert.Equal(0, writes);
        Assert.True(reads > 0);
        var skipped = results.Where(r => r.Name.EndsWith("tools/call delete-all", StringComparison.Ordinal)).ToList();
        Assert.Equal(ServerChecker.SessionRevisions.Length + 1, skipped.Count);
        Assert.All(skipped, r => Assert.Equal(CheckOutcome.Skip, r.Outcome));
        Assert.All(skipped, r => Assert.Contains("--allow-writes", r.Reason, StringComparison.Ordinal));
        Assert.DoesNotContain(results, r => r.Outcome == CheckOutcome.Fail);
    }
}
