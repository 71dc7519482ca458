using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Pmcp.LoadBench;

/// <summary>
/// A server under test running as its own process on 127.0.0.1, with the same runtime settings as its peer:
/// the GC mode chosen for the run and logging turned off through configuration.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public int Pid => _process.Id;

    /// <summary>Time from spawning the process to its first correct MCP answer.</summary>
    public TimeSpan ColdStart { get; private set; }

    public static async Task<ServerProcess> StartAsync(PeerServer server, LoadOptions options)
    {
        if (!File.Exists(server.Assembly))
        {
            throw new InvalidOperationException($"{server.Name} is not built ({Path.GetFileName(server.Assembly)} is missing): run bench/run-native-load.sh, which builds Release first.");
        }

        var port = FreePort();
        // With wrk the server is pinned to CPU 0 (taskset execs dotnet, so the pid stays the server's) and wrk to CPU 1.
        var start = new ProcessStartInfo(options.Wrk ? "taskset" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (options.Wrk)
        {
            foreach (var argument in (string[])["-c", WrkClient.ServerCpu, "dotnet"])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in (string[])[server.Assembly, "--port", port.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        // The same knobs for both servers, whatever their project files say.
        start.Environment["DOTNET_gcServer"] = options.Gc == "server" ? "1" : "0";
        start.Environment["DOTNET_gcConcurrent"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "None";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

        var stopwatch = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {server.Name}");

        // Drain the pipes so a chatty server never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"  [{server.Name}] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var running = new ServerProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/mcp"));
        try
        {
            await running.WaitUntilAnsweringAsync(server, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            running.ColdStart = stopwatch.Elapsed;
            return running;
        }
        catch
        {
            await running.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilAnsweringAsync(PeerServer server, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{server.Name} exited with code {_process.ExitCode} before answering");
            }

            try
            {
                using var request = EchoRequest.Create(Endpoint, "ready");
                using var response = await client.SendAsync(request).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                if (EchoRequest.IsCorrect(response, body, "ready"))
                {
                    return;
                }

                throw new InvalidOperationException(
                    $"{server.Name} answered the first echo wrongly: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && deadline.Elapsed < timeout)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
