using System.Text.Json;
using Conformance;
using HelloWorld;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary><c>test conformance</c>: the pinned official suite, run by the CLI and summarised per scenario.</summary>
public sealed class ConformanceCommandTests
{
    [Fact]
    public async Task TheConformanceSamplePassesTheScenariosAsked()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(5), "conformance", server.McpUrl,
            "--scenario", "server-initialize", "--scenario", "tools-call-simple-text", "--scenario", "resources-read-text", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.StdOut);
        var scenarios = document.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(["server-initialize", "tools-call-simple-text", "resources-read-text"], scenarios.Select(s => s.GetProperty("scenario").GetString()));
        Assert.All(scenarios, s =>
        {
            Assert.Equal("pass", s.GetProperty("outcome").GetString());
            Assert.True(s.GetProperty("checksPassed").GetInt32() > 0);
        });
    }

    [Fact]
    public async Task AServerWithoutTheFixturesFailsByScenarioName()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(5), "conformance", server.McpUrl, "--scenario", "server-initialize", "--scenario", "tools-call-simple-text");

        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.StdOut.Split('\n');
        Assert.Contains(lines, l => l.Contains("tools-call-simple-text", StringComparison.Ordinal) && l.Contains("FAIL", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("server-initialize", StringComparison.Ordinal) && l.Contains("pass", StringComparison.Ordinal));
        Assert.Contains("1 of 2 scenarios passed", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownScenarioIsAClearError()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(5), "conformance", server.McpUrl, "--scenario", "no-such-scenario");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("ran no scenario 'no-such-scenario'", run.StdErr, StringComparison.Ordinal);
    }
}
