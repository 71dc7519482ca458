using System.Text.Json;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary><c>dotnet pmcp test check</c> against the HelloWorld sample in workerd: every check passes, as natively.</summary>
[Collection("workerd")]
public sealed class TestCheckInWorkerdTests(WorkerdFixture workers)
{
    [Fact]
    public async Task EveryCheckPassesAgainstHelloWorldInWorkerd()
    {
        var (exitCode, output) = await CliProcess.RunAsync(WorkerdFixture.Environment, TimeSpan.FromMinutes(3),
            "test", "check", workers.HelloWorld.McpUrl, "--format", "json", "--strict");

        Assert.True(exitCode == 0, output);
        using var report = JsonDocument.Parse(output);
        var checks = report.RootElement.GetProperty("checks").EnumerateArray().ToList();
        Assert.DoesNotContain(checks, c => c.GetProperty("outcome").GetString() != "pass");
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "2026-07-28 tools/call echo (valid)");
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "http.origin");
    }
}
