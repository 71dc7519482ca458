using Pmcp.Server;
using Pmcp.Workers.Http;

namespace Pmcp.Workers;

/// <summary>
/// What this Worker serves. The generated worker program calls one of these once, when the isolate starts;
/// the server is then built once per isolate and reused by every request (measured faster than per request).
/// </summary>
public static class Worker
{
    /// <summary>The registered entry; both hosts call it for every request (workerd through WorkerExports, Kestrel through the native host).</summary>
    internal static Func<Request, Env, Context, Task<Response>>? Fetch { get; private set; }

    /// <summary>The server <see cref="ServeMcp{TServer}"/> serves, for the native host's start-up line; null for other entries.</summary>
    internal static McpServer? Server { get; private set; }

    /// <summary>Serve an MCP server on <c>/mcp</c>, with <c>/health</c>.</summary>
    public static void ServeMcp<TServer>() where TServer : IMcpServerFactory
    {
        var server = TServer.CreateServer();
        Serve(McpEndpoint.Worker(server));
        Server = server;
    }

    /// <summary>Serve a Worker with its own routes.</summary>
    public static void Serve<TWorker>() where TWorker : IWorker => Serve(TWorker.FetchAsync);

    /// <summary>Serve a Worker through one fetch function, for a Worker that needs no <see cref="IWorker"/> type.</summary>
    /// <param name="fetch">Called for every request with the request, the environment and the execution context.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fetch"/> is null.</exception>
    public static void Serve(Func<Request, Env, Context, Task<Response>> fetch)
    {
        Fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
        Server = null;
    }
}
