using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Testing;

/// <summary>
/// A project under test, served by <c>dotnet pmcp dev</c> (this very CLI, as a child process) on a free loopback
/// port: started, awaited until it announces its MCP endpoint, and stopped with SIGTERM when the check is done.
/// Running dev itself, not a copy of its steps, means the check sees the server exactly as dev serves it.
/// </summary>
internal sealed class DevServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DevServer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>dotnet pmcp dev</c> on <paramref name="projectDirectory"/> and waits for its endpoint.</summary>
    public static async Task<(DevServer Server, Uri Endpoint)> StartAsync(string projectDirectory, bool native, string? apiKeyEnv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string[] arguments = ["dev", projectDirectory, "--port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (native)
        {
            arguments = [.. arguments, "--native"];
        }

        if (apiKeyEnv is not null)
        {
            arguments = [.. arguments, "--api-key-env", apiKeyEnv];
        }

        // This CLI runs either as its own executable (an installed tool) or as "dotnet dotnet-pmcp.dll".
        var self = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            arguments = [typeof(DevServer).Assembly.Location, .. arguments];
        }

        var server = new DevServer(ChildProcess.Start(self, arguments, Directory.GetCurrentDirectory()));
        var exited = server._process.WaitForExitAsync(cancellationToken);
        var announced = server._endpoint.Task;
        var finished = await Task.WhenAny(announced, exited, Task.Delay(timeout, cancellationToken));
        if (finished == announced)
        {
            return (server, new Uri(await announced));
        }

        var tail = string.Join('\n', server.Output.Split('\n').TakeLast(40)).TrimEnd();
        await server.DisposeAsync();
        throw new CliException(finished == exited
            ? $"the project did not start (dotnet pmcp dev {projectDirectory}{(native ? " --native" : "")} exited):\n{tail}\nFix what it says (dotnet pmcp dev shows the same), then check again."
            : $"the project did not announce its MCP endpoint within {timeout.TotalSeconds:0} s:\n{tail}\nRun dotnet pmcp dev {projectDirectory} to see why, or raise --start-timeout.");
    }

    /// <summary>Everything dev printed, for errors.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ChildProcess.Stop(_process);
            await ChildProcess.WaitOrKillAsync(_process, ChildProcess.StopGrace + TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string marker = "MCP endpoint: ";
        if (line.StartsWith(marker, StringComparison.Ordinal))
        {
            _endpoint.TrySetResult(line[marker.Length..].Trim());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
