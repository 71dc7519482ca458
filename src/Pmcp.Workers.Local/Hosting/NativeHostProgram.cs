using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Hosting;
using Pmcp.Server;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// The whole program of the native host that <c>dotnet pmcp dev --native</c> generates for a server project:
/// it loads the project's assembly, builds its server and serves it until Ctrl+C.
/// Arguments: <c>--assembly NAME [--host ADDRESS] [--port N] [--api-key-env VAR]</c>.
/// </summary>
public static class NativeHostProgram
{
    [RequiresUnreferencedCode("Loads the server project's assembly by name.")]
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? assemblyName = null;
        var options = new NativeHostOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--assembly": assemblyName = args[i + 1]; break;
                case "--host": options.Host = args[i + 1]; break;
                case "--port": options.Port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--api-key-env": options.Http.ApiKey = Environment.GetEnvironmentVariable(args[i + 1]); break;
                case "--allow-origin": options.Http.AllowedOrigins.Add(args[i + 1]); break;
                default: Console.Error.WriteLine($"error: unknown argument {args[i]}"); return 2;
            }
        }

        if (assemblyName is null)
        {
            Console.Error.WriteLine("error: --assembly NAME is required");
            return 2;
        }

        McpServer server;
        try
        {
            server = ServerDiscovery.CreateServer(Assembly.Load(new AssemblyName(assemblyName)));
        }
        catch (Exception e) when (e is InvalidOperationException or TargetInvocationException or FileNotFoundException)
        {
            Console.Error.WriteLine($"error: {(e is TargetInvocationException { InnerException: { } inner } ? inner.Message : e.Message)}");
            return 1;
        }

        await using var app = NativeMcpHost.Build(server, options);
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
        Console.WriteLine($"{server.Info.Name} {server.Info.Version}: {server.Tools.Count} tools, {server.Resources.Count + server.ResourceTemplates.Count} resources, {server.Prompts.Count} prompts");
        Console.WriteLine($"MCP endpoint: {address}{options.Http.McpPath}");
        Console.WriteLine("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }
}
