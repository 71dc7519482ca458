using Pmcp.Workers.Http;

namespace Pmcp.Workers.Routing;

/// <summary>
/// Routes requests by method and path, as workers-rs's <c>Router</c> and ASP.NET Core's minimal APIs do.
/// An unknown path is 404; a known path with another method is 405 with <c>Allow</c>.
/// </summary>
/// <example>
/// <code>
/// private static readonly Router Routes = new Router()
///     .Get("/health", (_, _) =&gt; Response.Ok("OK"))
///     .Get("/notes/:id", async (request, route) =&gt;
///         Response.Text(await route.Env.Kv("NOTES").GetTextAsync(route.Param("id")) ?? ""))
///     .Any("/mcp", McpEndpoint.Create(MyServer.CreateServer()));
///
/// public static Task&lt;Response&gt; FetchAsync(Request request, Env env, Context context) =&gt;
///     Routes.RunAsync(request, env, context);
/// </code>
/// </example>
public sealed class Router
{
    private readonly List<(string Method, RoutePattern Pattern, Func<Request, RouteContext, Task<Response>> Handler)> _routes = [];

    /// <summary>Adds a GET route (HEAD requests match it too).</summary>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters, such as <c>/notes/:id</c>.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
    public Router Get(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("GET", pattern, handler);

    /// <summary>Adds a GET route with a synchronous handler (HEAD requests match it too).</summary>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters, such as <c>/notes/:id</c>.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
    public Router Get(string pattern, Func<Request, RouteContext, Response> handler) => On("GET", pattern, Sync(handler));

    /// <summary>Adds a POST route.</summary>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
    public Router Post(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("POST", pattern, handler);

    /// <summary>Adds a POST route with a synchronous handler.</summary>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
    public Router Post(string pattern, Func<Request, RouteContext, Response> handler) => On("POST", pattern, Sync(handler));

    /// <summary>Adds a PUT route.</summary>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
    public Router Put(string pattern, Func<Request, RouteContext, Task<Response>> handler) => On("PUT", pattern, handler);

    /// <summary>Adds a DELETE route.</summary>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
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

    /// <summary>Adds a route for any method, such as <c>PATCH</c>; <c>*</c> matches every method, as <see cref="Any"/> does.</summary>
    /// <param name="method">The HTTP method, compared case-insensitively.</param>
    /// <param name="pattern">The path, with <c>:name</c> segments for parameters.</param>
    /// <param name="handler">Answers the matched request.</param>
    /// <returns>This router, for chaining.</returns>
    public Router On(string method, string pattern, Func<Request, RouteContext, Task<Response>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _routes.Add((method.ToUpperInvariant(), new RoutePattern(pattern), handler));
        return this;
    }

    /// <summary>
    /// Answers a request with the first route, in the order added, whose pattern and method match; call it from
    /// <see cref="IWorker.FetchAsync"/>.
    /// </summary>
    /// <param name="request">The incoming request; its <see cref="Request.Params"/> are set from the matched pattern.</param>
    /// <param name="env">The Worker's environment, handed to the handler.</param>
    /// <param name="context">The request's execution context, handed to the handler.</param>
    /// <returns>The handler's response; 404 when no pattern matches, 405 with <c>Allow</c> when only other methods do.</returns>
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
            if (handler.Target is not McpEndpoint)
            {
                // Read only now that a route matched: an unrouted path or a wrong method costs no body. The MCP
                // endpoint reads it itself, after its Host, Origin and key checks.
                await request.ReadBodyAsync(request.Aborted).ConfigureAwait(false);
            }

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
