using System.Text.Json.Nodes;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.WorkerdTests;

/// <summary>The samples compiled to WebAssembly and served by workerd, driven by the official TypeScript MCP client.</summary>
[Collection("workerd")]
public sealed class McpInWorkerdTests(WorkerdFixture workers)
{
    [Fact]
    public async Task HelloWorldAnswersTheOfficialClient()
    {
        var run = await RunAsync(workers.HelloWorld.McpUrl, [
            Op("listTools"),
            Op("callTool", new { name = "echo", arguments = new { message = "héllo from workerd" } }),
            Op("callTool", new { name = "query", arguments = new { department = "research" } }),
            Op("callTool", new { name = "echo", arguments = new { } }),
            Op("ping"),
        ]);

        Assert.Null(run.ConnectError);
        Assert.Equal("2025-11-25", run.ProtocolVersion);
        Assert.Equal(["echo", "query"], run.Result(0)["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order());
        Assert.Equal("héllo from workerd", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("Mary Jackson", run.Result(2)["structuredContent"]!["result"]![0]!["name"]!.GetValue<string>());
        Assert.True(run.Result(3)["isError"]!.GetValue<bool>());
        Assert.Contains("missing required property 'message'", run.Result(3)["content"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(run.Result(4));
    }

    [Fact]
    public async Task ProgressLogsAndSamplingStreamFromWorkerd()
    {
        var run = await RunAsync(workers.Conformance.McpUrl, [
            Op("callTool", new { name = "test_tool_with_progress", progress = true }),
            Op("setLoggingLevel", new { level = "debug" }),
            Op("callTool", new { name = "test_tool_with_logging" }),
            Op("readResource", new { uri = "test://template/42/data" }),
        ]);

        Assert.Equal([0.0, 50.0, 100.0], run.Progress(0).Select(p => p!["progress"]!.GetValue<double>()));
        Assert.Equal(3, run.Logs(2).Count);
        Assert.Contains("\"42\"", run.Result(3)["contents"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConformanceSuiteGivesTheSameResultsAsTheNativeHost()
    {
        var results = Directory.CreateTempSubdirectory("pmcp-conformance-workerd-");
        try
        {
            // The same baseline as the native host's test: exit 0 means the same scenarios pass and the same fail.
            var (exitCode, output) = await ConformanceSuite.RunServerSuiteAsync(workers.Conformance.McpUrl, results.FullName);
            Assert.True(exitCode == 0, $"conformance suite in workerd exited {exitCode}:\n{output}");
            var passed = Directory.GetFiles(results.FullName, "checks.json", SearchOption.AllDirectories)
                .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray())
                .Count(c => c!["status"]!.GetValue<string>() == "SUCCESS");
            Assert.True(passed >= 40, $"expected at least 40 passing checks, got {passed}:\n{output}");
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }
}
