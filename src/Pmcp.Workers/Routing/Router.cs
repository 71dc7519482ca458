using Pmcp.Workers.Http;

namespace Pmcp.Workers.Routing;

/// <summary>
/// Routes requests by method and path, as workers-rs's <c>Router</c> and ASP.NET Core's minimal APIs do.
/// An unknown path is 404; a known path with another method is 405 with <c>Allow</c>.
/// </summary>
public sealed class Router
{
    private readonly List<(string Method, RoutePattern Pattern, Func<Request, RouteContext, Task<Response>> Handler)> _routes = [];

    public Router Get(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("GET", pattern, handler);

    public Router Get(string pattern, Func<Request, RouteContext, Response> handler) => On("GET", pattern, Sync(handler));

    public Router Post(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("POST", pattern, handler);

    public Router Post(string pattern, Func<Request, RouteContext, Response> handler) => On("POST", pattern, Sync(handler));

    public Router Put(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("PUT", pattern, handler);

    public Router Delete(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("DELETE", pattern, handler);

    /// <summary>
    /// A WebSocket endpoint: a GET with <c>Upgrade: websocket</c> is accepted and <paramref name="handler"/> talks to the
    /// client (<see cref="Response.WebSocket"/>); any other request is 426 Upgrade Required.
    /// <code>
    /// router.WebSocket("/ws", async (socket, route) =&gt; { /* ReceiveAsync, SendAsync, CloseAsync */ });
    /// </code>
    /// </summary>
    public Router WebSocket(string pattern, Func<System.Net.WebSockets.WebSocket, RouteContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On("GET", pattern, (request, route) => Task.FromResult(IsWebSocketUpgrade(request)
            ? Response.WebSocket(socket => handler(socket, route))
            : Response.Text("Upgrade Required: this endpoint speaks WebSocket; connect with a WebSocket client.", 426).WithHeader("Upgrade", "websocket")));
    }

    /// <summary>Every method on <paramref name="pattern"/>: the handler decides (the MCP endpoint answers GET with 405 itself).</summary>
    public Router Any(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("*", pattern, handler);

    public Router On(string method, string pattern, Func<Request, RouteContext, Task<Response>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _routes.Add((method.ToUpperInvariant(), new RoutePattern(pattern), handler));
        return this;
    }

    public async Task<Response> RunAsync(Request request, Env env, Context context)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<string>? allowed = null;
        foreach (var (method, pattern, handler) in _routes)
        {
            if (!pattern.TryMatch(request.Path, out var parameters))
            {
                continue;
            }

            if (method != "*" && method != request.Method && !(method == "GET" && request.Method == "HEAD"))
            {
                (allowed ??= []).Add(method);
                continue;
            }

            request.Params = parameters;
            return await handler(request, new RouteContext(env, context, parameters)).ConfigureAwait(false);
        }

        return allowed is null
            ? Response.Text("Not Found", 404)
            : Response.Text("Method Not Allowed", 405).WithHeader("Allow", string.Join(", ", allowed.Distinct()));
    }

    private static bool IsWebSocketUpgrade(Request request) =>
        request.Headers["Upgrade"] is { } upgrade && upgrade.Contains("websocket", StringComparison.OrdinalIgnoreCase);

    private static Func<Request, RouteContext, Task<Response>> Sync(Func<Request, RouteContext, Response> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return (request, context) => Task.FromResult(handler(request, context));
    }
}
