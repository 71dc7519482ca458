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

    /// <summary>
    /// The tool that asks through input-required results in 2026-07-28 asks the official client (2025-11-25) on the
    /// call's stream instead, and the user's answer reaches the same handler code in the isolate.
    /// </summary>
    [Fact]
    public async Task TheSameAskingToolElicitsFromTheOfficialClientInWorkerd()
    {
        var run = await RunAsync(workers.Conformance.McpUrl, [
            Op("answerElicitations", new { content = new { name = "Ada" } }),
            Op("callTool", new { name = "test_input_required_result_elicitation" }),
        ]);

        Assert.Equal("Hello, Ada!", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ConformanceSuite.SessionRevision, 50)]
    [InlineData(ConformanceSuite.StatelessRevision, 40)]
    public async Task TheConformanceSuiteGivesTheSameResultsAsTheNativeHost(string specVersion, int atLeast)
    {
        var results = Directory.CreateTempSubdirectory("pmcp-conformance-workerd-");
        try
        {
            // The same baseline as the native host's test: exit 0 means the same scenarios pass and the same fail.
            var (exitCode, output) = await ConformanceSuite.RunServerSuiteAsync(workers.Conformance.McpUrl, results.FullName, specVersion);
            Assert.True(exitCode == 0, $"conformance suite ({specVersion}) in workerd exited {exitCode}:\n{output}");
            var passed = Directory.GetFiles(results.FullName, "checks.json", SearchOption.AllDirectories)
                .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray())
                .Count(c => c!["status"]!.GetValue<string>() == "SUCCESS");
            Assert.True(passed >= atLeast, $"expected at least {atLeast} passing checks, got {passed}:\n{output}");
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }

    /// <summary>The 2026-07-28 scenarios outside the suite's active set (server-stateless, JSON Schema 2020-12, MRTR), by name.</summary>
    [Fact]
    public async Task TheStatelessScenariosOutsideTheActiveSetPassByNameAsNatively()
    {
        var failures = new List<string>();
        foreach (var scenario in ConformanceSuite.StatelessScenariosByName)
        {
            var results = Directory.CreateTempSubdirectory("pmcp-conformance-workerd-" + scenario + "-");
            try
            {
                var (exitCode, output) = await ConformanceSuite.RunServerScenarioAsync(workers.Conformance.McpUrl, scenario, results.FullName);
                var checks = Directory.GetFiles(results.FullName, "checks.json", SearchOption.AllDirectories)
                    .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray()).Select(c => c!).ToList();
                var failed = checks.Where(c => c["status"]!.GetValue<string>() is "FAILURE" or "WARNING").Select(c => $"{c["id"]}: {c["errorMessage"]}").ToList();
                if (exitCode != 0 || failed.Count > 0 || !checks.Any(c => c["status"]!.GetValue<string>() == "SUCCESS"))
                {
                    failures.Add($"{scenario} (exit {exitCode}): {string.Join(", ", failed)}\n{output[^Math.Min(output.Length, 1500)..]}");
                }
            }
            finally
            {
                results.Delete(recursive: true);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>
    /// Eight users answer a two-question tool at once (three rounds each): every round trip resumes with its own signed
    /// state and answers, in the isolate. Raw HTTP: the official TypeScript client (1.32.2) predates input-required results.
    /// </summary>
    [Fact]
    public async Task EightConcurrentInputRequiredRoundTripsResumeInWorkerd()
    {
        using var http = new HttpClient();
        var calls = Enumerable.Range(0, 8).Select(i => StatelessCaller.CallAnsweringAsync(http, workers.Conformance.McpUrl, "test_input_required_result_multi_round",
            key => key == "step1" ? new JsonObject { ["name"] = $"user{i}" } : new JsonObject { ["color"] = $"color{i}" }));
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(3, results[i].Rounds);
            Assert.Equal($"user{i} likes color{i}", results[i].Result["content"]![0]!["text"]!.GetValue<string>());
        }
    }
}
