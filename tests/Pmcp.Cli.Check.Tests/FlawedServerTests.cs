namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// Each <see cref="FlawedServer"/> breaks one rule; <c>test check</c> must find it, name it, and exit non-zero. The
/// same server without a defect passes, so a failure is the defect's and not the checker's.
/// </summary>
public sealed class FlawedServerTests
{
    [Fact]
    public async Task AServerWithoutADefectPasses()
    {
        await using var server = await FlawedServer.StartAsync(Defect.None);

        var run = await CheckRun.RunAsync(server.McpUrl, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Failed());
        var names = run.Checks().Select(c => c.Name).ToList();
        Assert.Contains("2025-11-25 tools/call add (valid)", names);
        Assert.Contains("2025-11-25 tools/call add (required 'a' missing)", names);
        Assert.Contains("http.origin", names);
        // It speaks no stateless revision and not 2024-11-05: reported as skipped, not failed.
        Assert.Contains(run.Checks(), c => c is { Name: "2026-07-28 server/discover", Outcome: "skip" });
        Assert.Contains(run.Checks(), c => c is { Name: "2024-11-05 initialize", Outcome: "skip" });
    }

    [Theory]
    [InlineData(Defect.AcceptIgnored, "http.accept")]
    [InlineData(Defect.InputSchemaNotObject, "2025-11-25 add inputSchema")]
    [InlineData(Defect.OutputBreaksSchema, "2025-11-25 tools/call add (valid)")]
    [InlineData(Defect.UnknownToolSucceeds, "2025-11-25 tools/call unknown tool")]
    [InlineData(Defect.ForeignOriginServed, "http.origin")]
    public async Task TheDefectIsFoundNamedAndFailsTheRun(Defect defect, string check)
    {
        await using var server = await FlawedServer.StartAsync(defect);

        var run = await CheckRun.RunAsync(server.McpUrl, "--format", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(check, run.Failed());
    }

    [Fact]
    public async Task TheTableNamesTheFailureWithItsFix()
    {
        await using var server = await FlawedServer.StartAsync(Defect.ForeignOriginServed);

        var run = await CheckRun.RunAsync(server.McpUrl);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("http.origin", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("FAIL", run.StdOut, StringComparison.Ordinal);
        // One word of the fix: the table may wrap its cells between any two words.
        Assert.Contains("rebinding", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JUnitReportsTheFailureAsAFailedTestCase()
    {
        await using var server = await FlawedServer.StartAsync(Defect.OutputBreaksSchema);

        var run = await CheckRun.RunAsync(server.McpUrl, "--format", "junit");

        Assert.Equal(1, run.ExitCode);
        var xml = System.Xml.Linq.XDocument.Parse(run.StdOut);
        var failed = xml.Descendants("testcase").Where(t => t.Element("failure") is not null).Select(t => (string)t.Attribute("name")!).ToList();
        Assert.Contains("2025-11-25 tools/call add (valid)", failed);
        Assert.Equal(failed.Count, (int)xml.Descendants("testsuite").Single().Attribute("failures")!);
    }
}
