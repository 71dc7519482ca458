using System.Text.Json.Nodes;
using Conformance;
using Pmcp.Testing;

namespace Pmcp.IntegrationTests;

/// <summary>The official MCP conformance suite against the Conformance sample on the native host.</summary>
public sealed class ConformanceSuiteTests
{
    [Theory]
    [InlineData(ConformanceSuite.SessionRevision, 50)]
    [InlineData(ConformanceSuite.StatelessRevision, 40)]
    public async Task EveryScenarioPassesExceptTheListedStatefulOnes(string specVersion, int atLeast)
    {
        // Sessions on, as the sample's wrangler.toml has them in workerd: the session scenarios run too.
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), o => o.Vars["PMCP_SESSIONS"] = "true");
        var results = Directory.CreateTempSubdirectory("pmcp-conformance-");
        try
        {
            var (exitCode, output) = await ConformanceSuite.RunServerSuiteAsync(server.McpUrl, results.FullName, specVersion);

            // Exit 0 with a baseline means: nothing failed outside it, and everything in it still fails.
            Assert.True(exitCode == 0, $"conformance suite ({specVersion}) exited {exitCode}:\n{output}");
            var passed = Statuses(results).Count(s => s == "SUCCESS");
            Assert.True(passed >= atLeast, $"expected at least {atLeast} passing checks, got {passed}:\n{output}");
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }

    /// <summary>The 2026-07-28 scenarios the suite does not run by default (server-stateless, JSON Schema 2020-12, MRTR), each by name.</summary>
    [Fact]
    public async Task TheStatelessScenariosOutsideTheActiveSetPassByName()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), o => o.Vars["PMCP_SESSIONS"] = "true");
        var failures = new List<string>();
        foreach (var scenario in ConformanceSuite.StatelessScenariosByName)
        {
            var results = Directory.CreateTempSubdirectory("pmcp-conformance-" + scenario + "-");
            try
            {
                var (exitCode, output) = await ConformanceSuite.RunServerScenarioAsync(server.McpUrl, scenario, results.FullName);
                var statuses = Statuses(results);
                if (exitCode != 0 || statuses.Any(s => s is "FAILURE" or "WARNING") || !statuses.Contains("SUCCESS"))
                {
                    failures.Add($"{scenario} (exit {exitCode}): {string.Join(", ", FailedChecks(results))}\n{output[^Math.Min(output.Length, 1500)..]}");
                }
            }
            finally
            {
                results.Delete(recursive: true);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    internal static List<string> Statuses(DirectoryInfo results) =>
        [.. Checks(results).Select(c => c["status"]!.GetValue<string>())];

    internal static IEnumerable<string> FailedChecks(DirectoryInfo results) =>
        Checks(results).Where(c => c["status"]!.GetValue<string>() is "FAILURE" or "WARNING")
            .Select(c => $"{c["id"]}: {c["errorMessage"]}");

    private static IEnumerable<JsonNode> Checks(DirectoryInfo results) =>
        Directory.GetFiles(results.FullName, "checks.json", SearchOption.AllDirectories)
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray())
            .Select(c => c!);
}
