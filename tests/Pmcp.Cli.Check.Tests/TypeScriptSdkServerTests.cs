using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// <c>test check</c> against a server it did not grow up with: the official TypeScript SDK's <c>simpleStreamableHttp</c>
/// example (the SDK pinned in tests/e2e). Every protocol check passes except what that server really gets wrong: it
/// serves a foreign <c>Origin</c> (no DNS rebinding protection unless told to), reported by name, with exit code 1.
/// </summary>
public sealed class TypeScriptSdkServerTests
{
    private static string Example => Path.Combine(RepoPaths.E2e, "node_modules", "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server", "simpleStreamableHttp.js");

    [Fact]
    public async Task OnlyTheForeignOriginItServesFails()
    {
        Assert.True(File.Exists(Example) && File.Exists(ConformanceSuite.Node), $"{Example} is missing. Run: npm ci --prefix tests/e2e (eng/test.sh does it).");
        var port = FreePort();
        using var server = new Process
        {
            StartInfo = new ProcessStartInfo(ConformanceSuite.Node, [Example])
            {
                WorkingDirectory = RepoPaths.E2e,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["MCP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
        };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening on port", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

            // Its example tools take their time (multi-greet sleeps, start-notification-stream streams for seconds), in
            // each of four revisions: minutes, not seconds.
            var run = await CheckRun.RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(10), $"http://127.0.0.1:{port}/mcp", "--format", "json");

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal(["http.origin"], run.Failed());
            Assert.Contains(run.Checks(), c => c is { Name: "2025-11-25 tools/call unknown tool", Outcome: "pass" });
            Assert.True(run.Checks().Count(c => c.Outcome == "pass") > 20, run.ToString());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
