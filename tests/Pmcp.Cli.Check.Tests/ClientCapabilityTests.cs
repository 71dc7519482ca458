using Conformance;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// Tools that ask the client something (sampling, elicitation, roots): test check declares no client capabilities, so
/// it refuses such a request at once and reports the tool as skipped with the reason, instead of waiting out its
/// timeout or failing a sound server. The Conformance sample has many.
/// </summary>
public sealed class ClientCapabilityTests
{
    [Fact]
    public async Task ToolsThatAskTheClientAreSkippedWithTheReasonAndTheRestPasses()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());
        var started = DateTime.UtcNow;

        var run = await CheckRun.RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(3), server.McpUrl, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        // Each asking tool waited for nobody: far less than one --timeout (30 s) per tool and revision.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(90), run.ToString());
        var checks = run.Checks();
        Assert.Contains(checks, c => c is { Name: "2025-11-25 tools/call test_sampling (valid)", Outcome: "skip" } && c.Reason.Contains("asked the client (sampling/createMessage)", StringComparison.Ordinal));
        Assert.Contains(checks, c => c is { Name: "2025-06-18 tools/call test_elicitation (valid)", Outcome: "skip" } && c.Reason.Contains("asked the client (elicitation/create)", StringComparison.Ordinal));
        Assert.Contains(checks, c => c is { Name: "2026-07-28 tools/call test_missing_capability (valid)", Outcome: "skip" } && c.Reason.Contains("-32021", StringComparison.Ordinal));
        Assert.Contains(checks, c => c is { Name: "2025-11-25 tools/call test_simple_text (valid)", Outcome: "pass" });
        Assert.Contains(checks, c => c is { Name: "2025-11-25 tools/call json_schema_2020_12_tool ('name' of the wrong type)", Outcome: "pass" });
    }
}
