using System.Text.Json;
using Pmcp.Cli.Processes;
using Pmcp.Cli.Tools;

namespace Pmcp.Cli.Testing;

/// <summary>
/// Runs the official MCP conformance suite (<c>@modelcontextprotocol/conformance</c>, pinned in <see cref="PinnedTools"/>,
/// installed into the tools cache like wrangler) against an endpoint, and reads the <c>checks.json</c> each scenario
/// writes into its results folder.
/// </summary>
internal sealed partial class ConformanceRunner((string Node, string Script) suite)
{
    /// <summary>Installs the pinned suite on first use (progress through <paramref name="step"/>).</summary>
    public static async Task<ConformanceRunner> EnsureAsync(Action<string> step, CancellationToken cancellationToken) =>
        new(await ToolsCache.EnsureConformanceAsync(step, cancellationToken));

    /// <summary>
    /// Runs the suite once per <paramref name="specVersions"/> (once with the suite's default when empty) and per
    /// <paramref name="scenarios"/> (the whole <paramref name="suiteName"/> when empty).
    /// </summary>
    public async Task<IReadOnlyList<ConformanceScenario>> RunAsync(
        Uri endpoint, IReadOnlyList<string> specVersions, IReadOnlyList<string> scenarios, string suiteName, string? expectedFailures,
        TimeSpan scenarioTimeout, Action<string> onLine, CancellationToken cancellationToken)
    {
        var results = new List<ConformanceScenario>();
        foreach (var version in specVersions.Count == 0 ? [""] : specVersions)
        {
            foreach (var scenario in scenarios.Count == 0 ? [""] : scenarios)
            {
                var output = Directory.CreateTempSubdirectory("pmcp-conformance-");
                try
                {
                    List<string> arguments = [suite.Script, "server", "--url", endpoint.ToString(), "-o", output.FullName,
                        "--timeout", ((int)scenarioTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)];
                    if (version.Length > 0)
                    {
                        arguments.AddRange(["--spec-version", version]);
                    }

                    if (scenario.Length > 0)
                    {
                        arguments.AddRange(["--scenario", scenario]);
                    }
                    else
                    {
                        arguments.AddRange(["--suite", suiteName]);
                    }

                    if (expectedFailures is not null)
                    {
                        arguments.AddRange(["--expected-failures", Path.GetFullPath(expectedFailures)]);
                    }

                    var run = await ChildProcess.RunAsync(suite.Node, arguments, Directory.GetCurrentDirectory(), cancellationToken, onLine: onLine);
                    var found = Read(output.FullName, version);
                    if (found.Count == 0)
                    {
                        var tail = string.Join('\n', run.Output.Split('\n').TakeLast(30)).TrimEnd();
                        throw new CliException($"the conformance suite ran no scenario{(scenario.Length > 0 ? $" '{scenario}'" : "")}{(version.Length > 0 ? $" for {version}" : "")} (exit {run.ExitCode}):\n{tail}\n" +
                            "Check the scenario name (npx @modelcontextprotocol/conformance list --server) and the spec version.");
                    }

                    results.AddRange(found);
                }
                finally
                {
                    output.Delete(recursive: true);
                }
            }
        }

        return results;
    }

    /// <summary>Every <c>checks.json</c> under <paramref name="directory"/>: one per scenario, in a folder named after it.</summary>
    private static List<ConformanceScenario> Read(string directory, string version)
    {
        var scenarios = new List<ConformanceScenario>();
        foreach (var file in Directory.GetFiles(directory, "checks.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            int passed = 0, failed = 0, warnings = 0;
            var failures = new List<string>();
            foreach (var check in document.RootElement.EnumerateArray())
            {
                switch (check.TryGetProperty("status", out var status) ? status.GetString() : null)
                {
                    case "SUCCESS":
                        passed++;
                        break;
                    case "FAILURE":
                        failed++;
                        var name = check.TryGetProperty("name", out var n) ? n.GetString() : check.TryGetProperty("id", out var id) ? id.GetString() : "?";
                        var message = check.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "";
                        failures.Add(string.IsNullOrEmpty(message) ? name! : $"{name}: {message}");
                        break;
                    case "WARNING":
                        warnings++;
                        break;
                }
            }

            scenarios.Add(new ConformanceScenario(ScenarioName(directory, file), version, passed, failed, warnings, failures));
        }

        return scenarios;
    }

    /// <summary>The suite names a scenario's folder <c>server-NAME-2026-12-07T18-10-00-000Z</c>.</summary>
    private static string ScenarioName(string root, string file)
    {
        var folder = Path.GetRelativePath(root, Path.GetDirectoryName(file)!).Replace('\\', '/').Split('/')[0];
        var match = ScenarioFolder().Match(folder);
        return match.Success ? match.Groups["name"].Value : folder;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:server-)?(?<name>.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$")]
    private static partial System.Text.RegularExpressions.Regex ScenarioFolder();
}
