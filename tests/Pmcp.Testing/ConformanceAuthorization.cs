using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pmcp.Testing;

/// <summary>
/// The official conformance suite's authorization-server scenarios (<c>conformance authorization</c>: the metadata
/// endpoint, the authorization code grant; @modelcontextprotocol/conformance 0.2.0-alpha.12 or later) against a built-in
/// authorization server. The suite prints an authorization URL for a browser and waits on a loopback callback; the
/// <see cref="ScriptedUserAgent"/> is that browser (upstream sign-in, then consent), and follows the final redirect to
/// the suite's callback.
/// </summary>
public static class ConformanceAuthorization
{
    /// <summary>Whether the installed suite has the <c>authorization</c> command (0.1.x does not).</summary>
    public static bool HasAuthorizationCommand =>
        File.Exists(ConformanceSuite.Cli) && File.ReadAllText(ConformanceSuite.Cli).Contains("authorization-code-grant", StringComparison.Ordinal);

    /// <summary>Registers a client by DCR with the suite's loopback redirect, runs both scenarios, and returns the exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ScriptedUserAgent agent, string resource)
    {
        var port = FreePort();
        var clientId = await agent.RegisterAsync(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/callback"));
        var start = new ProcessStartInfo(ConformanceSuite.Node)
        {
            WorkingDirectory = RepoPaths.E2e,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { ConformanceSuite.Cli, "authorization", "--url", agent.Issuer, "--client-id", clientId, "--resource", resource, "-p", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                url.TrySetResult("");
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith(agent.Issuer + "/authorize?", StringComparison.Ordinal))
            {
                url.TrySetResult(e.Data.Trim());
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var authorizeUrl = await url.Task.WaitAsync(TimeSpan.FromMinutes(2));
            if (authorizeUrl.Length > 0)
            {
                var back = await agent.SignInAsync(authorizeUrl);
                // The browser arrives at the suite's callback server.
                using var callback = await agent.Http.GetAsync(back);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
