using System.Diagnostics;
using System.Text;

namespace Pmcp.Testing;

/// <summary>
/// Runs the Node side of the tests (tests/e2e). A missing Node or missing npm packages is a failure with the fix
/// in the message, never a skip.
/// </summary>
public static class NodeTool
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, string? node = null)
    {
        EnsureInstalled();
        var info = new ProcessStartInfo(node ?? "node")
        {
            WorkingDirectory = RepoPaths.E2e,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Node.js is needed for the end-to-end tests and was not found ({e.Message}). Install Node 20+.", e);
        }

        using (process)
        {
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node {script} did not finish within {timeout}. stderr:\n{stderr}");
            }

            process.WaitForExit();
            return (process.ExitCode, stdout.ToString(), stderr.ToString());
        }
    }

    private static void EnsureInstalled()
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.E2e, "node_modules", "@modelcontextprotocol", "sdk")))
        {
            throw new InvalidOperationException("The official MCP client is not installed. Run: npm ci --prefix tests/e2e (eng/test.sh does it).");
        }
    }
}
