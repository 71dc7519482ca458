using Pmcp.Server;
using Pmcp.Workers.Http;

namespace Pmcp.Workers;

/// <summary>
/// What this Worker serves. The generated worker program calls one of these once, when the isolate starts;
/// the server is then built once per isolate and reused by every request (measured faster than per request).
/// </summary>
public static class Worker
{
    internal static Func<Request, Env, Context, Task<Response>>? Fetch { get; private set; }

    /// <summary>Serve an MCP server on <c>/mcp</c>, with <c>/health</c>.</summary>
    public static void ServeMcp<TServer>() where TServer : IMcpServerFactory => Serve(McpEndpoint.Worker(TServer.CreateServer()));

    /// <summary>Serve a Worker with its own routes.</summary>
    public static void Serve<TWorker>() where TWorker : IWorker => Serve(TWorker.FetchAsync);

    public static void Serve(Func<Request, Env, Context, Task<Response>> fetch) =>
        Fetch = fetch ?? throw new ArgumentNullException(nameof(fetch));
}
