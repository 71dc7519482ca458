using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// The whole program of the native host that <c>dotnet pmcp dev --native</c> generates for a server project:
/// it loads the project's assembly, registers its entry as the worker program does in workerd
/// (<see cref="WorkerEntryDiscovery"/>) and serves it until Ctrl+C, every request through that entry.
/// Arguments: <c>--assembly NAME [--project-dir DIR] [--env NAME] [--host ADDRESS] [--port N] [--api-key-env VAR] [--allow-origin ORIGIN]… [--request-log off|errors|all]</c>.
/// With <c>--project-dir</c>, the Worker gets the project's vars, secrets (<c>.dev.vars</c>) and local bindings
/// (<see cref="LocalEnvSource"/>), and each D1 binding's pending migrations are applied before the first request.
/// <c>--api-key-env</c> and <c>--allow-origin</c> set <c>MCP_API_KEY</c> and <c>PMCP_ALLOWED_ORIGINS</c> over them,
/// as <c>dotnet pmcp dev</c> does for workerd; <c>--request-log</c> sets <c>PMCP_REQUEST_LOG</c> (dev: <c>all</c>, unless the project sets it).
/// </summary>
public static class NativeHostProgram
{
    /// <summary>
    /// Runs the native host with the arguments listed on <see cref="NativeHostProgram"/> until it is stopped. Used by the program that
    /// <c>dotnet pmcp dev --native</c> generates; not meant to be called directly.
    /// </summary>
    /// <param name="args">The arguments, as pairs of option and value.</param>
    /// <returns>
    /// The process exit code: 0 after a clean stop, 2 for missing or unknown arguments, 1 when the entry cannot be loaded,
    /// the project's environment cannot be read or the address cannot be bound (each with an <c>error:</c> line on stderr).
    /// </returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [RequiresUnreferencedCode("Loads the server project's assembly by name.")]
    [RequiresDynamicCode("Registers the entry type it finds through a generic method.")]
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? assemblyName = null;
        string? projectDirectory = null;
        string? wranglerEnvironment = null;
        var origins = new List<string>();
        var options = new NativeHostOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--assembly": assemblyName = args[i + 1]; break;
                case "--project-dir": projectDirectory = args[i + 1]; break;
                case "--env": wranglerEnvironment = args[i + 1]; break;
                case "--host": options.Host = args[i + 1]; break;
                case "--port": options.Port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--api-key-env":
                    // A key that was asked for but is missing or empty is an error, never "no auth".
                    if (Environment.GetEnvironmentVariable(args[i + 1]) is not { } key || string.IsNullOrWhiteSpace(key))
                    {
                        Console.Error.WriteLine($"error: --api-key-env names {args[i + 1]}, which is unset or empty; the host does not start without the key it was asked to require. Set it first, e.g. export {args[i + 1]}=<key>.");
                        return 2;
                    }

                    options.Vars[McpEndpointOptions.ApiKeyVar] = key;
                    break;
                case "--allow-origin": origins.Add(args[i + 1]); break;
                case "--var" when args[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
                    // dotnet pmcp dev's values for local runs only (.pmcp/dev.toml [vars]).
                    options.Vars[args[i + 1][..args[i + 1].IndexOf('=', StringComparison.Ordinal)]] = args[i + 1][(args[i + 1].IndexOf('=', StringComparison.Ordinal) + 1)..];
                    break;
                case "--request-log": options.Vars[Pmcp.Http.RequestLogOptions.LevelVar] = args[i + 1]; break;
                default: Console.Error.WriteLine($"error: unknown argument {args[i]}"); return 2;
            }
        }

        if (assemblyName is null)
        {
            Console.Error.WriteLine("error: --assembly NAME is required");
            return 2;
        }

        Type entry;
        try
        {
            entry = WorkerEntryDiscovery.Register(Assembly.Load(new AssemblyName(assemblyName)));
        }
        catch (Exception e) when (e is InvalidOperationException or TargetInvocationException or FileNotFoundException)
        {
            Console.Error.WriteLine($"error: {(e is TargetInvocationException { InnerException: { } inner } ? inner.Message : e.Message)}");
            return 1;
        }

        using var environment = projectDirectory is null ? null : await LoadEnvironmentAsync(projectDirectory, wranglerEnvironment).ConfigureAwait(false);
        if (projectDirectory is not null && environment is null)
        {
            return 1;
        }

        options.Env = environment is null ? null : new Env(environment);
        if (origins.Count > 0)
        {
            // Added to the project's own list, as wrangler's vars would be.
            var configured = options.Env?.GetOrDefault(McpEndpointOptions.AllowedOriginsVar);
            options.Vars[McpEndpointOptions.AllowedOriginsVar] = string.Join(',', string.IsNullOrWhiteSpace(configured) ? origins : origins.Prepend(configured));
        }

        await using var app = NativeMcpHost.Build(Worker.Fetch!, options);
        var server = Worker.Server;
        if (server is not null)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pmcp");
            server.UseHostFailureLog(HandlerFailureLog.To(logger));
        }

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: cannot listen on {options.Host}:{options.Port}: {e.Message}. Pick another port with --port.");
            return 1;
        }

        var address = NativeMcpHost.ListeningAddress(app);
        Console.WriteLine(server is null
            ? $"{entry.FullName}: a Worker with its own routes"
            : $"{server.Info.Name} {server.Info.Version}: {server.Tools.Count} tools, {server.Resources.Count + server.ResourceTemplates.Count} resources, {server.Prompts.Count} prompts");
        Console.WriteLine($"MCP endpoint: {address}/mcp");
        Console.WriteLine("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
    /// <summary>Reads the project's environment and applies pending D1 migrations, saying what it did; null after an error it printed.</summary>
    private static async Task<LocalEnvSource?> LoadEnvironmentAsync(string projectDirectory, string? wranglerEnvironment)
    {
        LocalEnvSource? environment = null;
        try
        {
            environment = LocalEnvSource.Load(projectDirectory, wranglerEnvironment: wranglerEnvironment);
            if (await environment.ResumeDurableObjectAlarmsAsync().ConfigureAwait(false) is > 0 and var alarms)
            {
                Console.WriteLine($"Durable Objects: {alarms} alarm{(alarms == 1 ? "" : "s")} set before this start, scheduled");
            }

            foreach (var (binding, applied) in await environment.ApplyMigrationsAsync().ConfigureAwait(false))
            {
                foreach (var name in applied)
                {
                    Console.WriteLine($"D1 {binding}: applied migration {name}");
                }
            }

            var config = environment.Config;
            var bindings = config.KvNamespaces.Count + config.D1Databases.Count + config.R2Buckets.Count + config.Hyperdrives.Count;
            if (bindings > 0)
            {
                Console.WriteLine($"Local bindings: {bindings}, stored in {environment.StateDirectory}");
            }

            return environment;
        }
        catch (WorkerException e)
        {
            environment?.Dispose();
            Console.Error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}
