using HelloWorld;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary><c>test check</c> against the HelloWorld sample: every check passes, in every revision Pmcp speaks.</summary>
public sealed class HelloWorldCheckTests
{
    [Fact]
    public async Task EveryCheckPassesOnTheNativeHost()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await CheckRun.RunAsync(server.McpUrl, "--format", "json", "--strict");

        Assert.True(run.ExitCode == 0, run.ToString());
        var checks = run.Checks();
        Assert.DoesNotContain(checks, c => c.Outcome is "fail" or "warn" or "skip");
        foreach (var revision in new[] { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28" })
        {
            Assert.Contains(checks, c => c.Name == $"{revision} tools/call echo (valid)");
            Assert.Contains(checks, c => c.Name == $"{revision} tools/call query (required 'department' missing)");
        }
    }

    [Fact]
    public async Task AProjectFolderIsServedCheckedAndStopped()
    {
        var run = await CheckRun.RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(6), "samples/HelloWorld", "--native", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.Checks(), c => c is { Name: "2025-11-25 tools/call query (valid)", Outcome: "pass" });
        Assert.Contains("Starting samples/HelloWorld", run.StdErr, StringComparison.Ordinal);
    }
}
