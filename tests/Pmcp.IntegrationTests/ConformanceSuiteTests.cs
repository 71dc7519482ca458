using System.Text.Json.Nodes;
using Conformance;
using Pmcp.Testing;

namespace Pmcp.IntegrationTests;

/// <summary>The official MCP conformance suite (every server scenario) against the Conformance sample on the native host.</summary>
public sealed class ConformanceSuiteTests
{
    [Fact]
    public async Task EveryScenarioPassesExceptTheListedStatefulOnes()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());
        var results = Directory.CreateTempSubdirectory("pmcp-conformance-");
        try
        {
            var (exitCode, output) = await ConformanceSuite.RunServerSuiteAsync(server.McpUrl, results.FullName);

            // Exit 0 with a baseline means: nothing failed outside it, and everything in it still fails.
            Assert.True(exitCode == 0, $"conformance suite exited {exitCode}:\n{output}");
            var checks = Directory.GetFiles(results.FullName, "checks.json", SearchOption.AllDirectories)
                .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray())
                .Select(c => c!["status"]!.GetValue<string>())
                .ToList();
            Assert.True(checks.Count(s => s == "SUCCESS") >= 40, $"expected at least 40 passing checks:\n{output}");
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }
}
