using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Pmcp.Testing;
using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Builds each test Worker to WebAssembly once and serves it with <c>dotnet pmcp dev</c> (wrangler dev --local, real
/// workerd) for the whole test run. Wrangler comes from the CLI's own first-use install, into a tools folder of the
/// checkout, so the tests take the user's path.
/// </summary>
public sealed class WorkerdFixture : IAsyncLifetime
{
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["PMCP_TOOLS_DIR"] = Path.Combine(RepoPaths.E2e, ".pmcp-tools"),
    };

    public RunningWorker HelloWorld { get; private set; } = null!;

    public RunningWorker Conformance { get; private set; } = null!;

    public RunningWorker Routes { get; private set; } = null!;

    /// <summary>The bindings contract (KV, D1, R2, Hyperdrive, vars) against workerd's local simulation.</summary>
    public RunningWorker Bindings { get; private set; } = null!;

    /// <summary>The PostgreSQL behind the contract's Hyperdrive bindings.</summary>
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // One after another: the builds share Pmcp's projects.
        HelloWorld = await RunningWorker.StartAsync("samples/HelloWorld");
        Conformance = await RunningWorker.StartAsync("samples/Conformance");
        Routes = await RunningWorker.StartAsync("tests/Workers/RoutesWorker");

        // wrangler dev reads each Hyperdrive binding's local database from CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_<BINDING>.
        Postgres = await PostgresServer.StartAsync(ContractBindings.PostgresUsers);
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (name, value) in ContractBindings.HyperdriveEnvironment(Postgres.Port, FreePort()))
        {
            environment[name] = value;
        }

        Bindings = await RunningWorker.StartAsync(environment, "tests/Workers/BindingsWorker");

        // eng/test.sh's second pass: the tests hold only if every Worker really started from its image.
        if (System.Environment.GetEnvironmentVariable("PMCP_SNAPSHOT") == "on")
        {
            foreach (var worker in new[] { HelloWorld, Conformance, Routes, Bindings })
            {
                if (!await worker.OutputContainsAsync("pmcp: started from the start-up image", TimeSpan.FromSeconds(30)))
                {
                    throw new InvalidOperationException("PMCP_SNAPSHOT=on, but a Worker did not start from its start-up image:\n" + worker.Output);
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in new[] { HelloWorld, Conformance, Routes, Bindings })
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }
        }

        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }

    /// <summary>
    /// A port free now, below Linux's ephemeral range (32768 and up): a Worker is bound to it only after minutes of
    /// building, and a port the kernel handed out (port 0) can meanwhile become the local end of any outgoing
    /// connection on the machine; one below the range is only ever taken by a listener that asks for it.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var candidate = Random.Shared.Next(20000, 32000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, candidate);
                probe.Start();
                return candidate;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One <c>dotnet pmcp dev</c> process serving a Worker in workerd.</summary>
public sealed class RunningWorker : IAsyncDisposable
{
    private RunningWorker(CliProcess process, string mcpUrl)
    {
        Process = process;
        McpUrl = mcpUrl;
    }

    public CliProcess Process { get; }

    public string McpUrl { get; }

    public string BaseAddress => McpUrl[..^"/mcp".Length];

    /// <summary>Everything dev, wrangler and the Worker's console printed so far.</summary>
    public string Output => Process.Output;

    /// <summary>
    /// Whether the Worker started from its start-up image rather than booting .NET: eng/test.sh runs these tests a
    /// second time with <c>PMCP_SNAPSHOT=on</c>, and a few assertions differ by design (docs/security.md).
    /// </summary>
    public bool Restored => Output.Contains("pmcp: started from the start-up image", StringComparison.Ordinal);

    public static Task<RunningWorker> StartAsync(string project, params string[] extraArguments) =>
        StartAsync(WorkerdFixture.Environment, project, extraArguments);

    public static Task<RunningWorker> StartAsync(IReadOnlyDictionary<string, string> environment, string project, params string[] extraArguments) =>
        StartOnPortAsync(environment, project, WorkerdFixture.FreePort(), extraArguments);

    /// <summary>Serves <paramref name="project"/> on a port chosen beforehand (a Worker whose settings name its own URL).</summary>
    public static async Task<RunningWorker> StartOnPortAsync(IReadOnlyDictionary<string, string> environment, string project, int portNumber, params string[] extraArguments)
    {
        var port = portNumber.ToString(CultureInfo.InvariantCulture);
        var process = CliProcess.Start(environment, ["dev", project, "--port", port, .. extraArguments]);
        try
        {
            return new RunningWorker(process, await process.EndpointAsync(TimeSpan.FromMinutes(10)));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the output holds <paramref name="text"/> (console lines arrive a little after responses).</summary>
    public async Task<bool> OutputContainsAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    /// <summary>Stops dev as a script or CI does (SIGTERM), and checks that wrangler and workerd stopped with it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var started = ProcessTree.Descendants(Process.Id);
            var exitCode = await Process.StopAsync(TimeSpan.FromSeconds(20));
            var left = await ProcessTree.StillRunningAfterAsync(started, TimeSpan.FromSeconds(5));
            if (exitCode != 0 || left.Count > 0)
            {
                throw new InvalidOperationException($"dev did not stop cleanly on SIGTERM: exit code {exitCode}, still running: {string.Join(", ", left)}\n{Output}");
            }
        }
        finally
        {
            await Process.DisposeAsync();
        }
    }
}

[CollectionDefinition("workerd")]
public sealed class WorkerdTestGroup : ICollectionFixture<WorkerdFixture>, ICollectionFixture<FreshProject>;
