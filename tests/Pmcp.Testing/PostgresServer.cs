using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Pmcp.Testing;

/// <summary>
/// A real PostgreSQL for the Hyperdrive tests: tests/e2e/postgres-server.mjs (PGlite over the wire protocol, with
/// password, md5 and SCRAM-SHA-256 users, one connection at a time), started with Node and stopped by closing its
/// stdin. A missing Node or missing npm packages is a failure with the fix in the message, never a skip.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors;

    private PostgresServer(Process process, StringBuilder errors, int port)
    {
        _process = process;
        _errors = errors;
        Port = port;
    }

    public int Port { get; }

    /// <summary>What the server printed on stderr so far (for a failing test's message).</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <param name="users">Each as <c>name:method:password</c>, method one of trust, password, md5, scram-sha-256.</param>
    public static async Task<PostgresServer> StartAsync(IEnumerable<string> users)
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.E2e, "node_modules", "@electric-sql", "pglite-socket")))
        {
            throw new InvalidOperationException("PGlite, the tests' PostgreSQL, is not installed. Run: npm ci --prefix tests/e2e (eng/test.sh does it).");
        }

        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.E2e,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("postgres-server.mjs");
        foreach (var user in users)
        {
            info.ArgumentList.Add("--user");
            info.ArgumentList.Add(user);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Node.js is needed for the Hyperdrive tests' PostgreSQL and was not found ({e.Message}). Install Node 20+.", e);
        }

        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        try
        {
            // PGlite boots in a few seconds; a loaded machine may take much longer.
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            if (line is null)
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                throw new InvalidOperationException($"postgres-server.mjs exited with {process.ExitCode} before listening:\n{errors}");
            }

            using var ready = JsonDocument.Parse(line);
            var server = new PostgresServer(process, errors, ready.RootElement.GetProperty("port").GetInt32());
            _ = DrainAsync(process.StandardOutput);
            return server;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>A port nothing listens on (taken from the OS and released), for "unreachable" cases.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // the script exits when its stdin ends
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static async Task DrainAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync() is not null)
            {
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
