using Pmcp.Workers.Http;

namespace Pmcp.Workers;

/// <summary>
/// A Worker with its own routes: the explicit form of a Worker, as workers-rs's <c>#[event(fetch)]</c>. Implement it instead of
/// <c>IMcpServerFactory</c> to own every request:
/// <code>
/// public sealed class MyWorker : IWorker
/// {
///     private static readonly Router Routes = new Router()
///         .Get("/health", (_, _) => Response.Ok("OK"))
///         .Post("/mcp", McpEndpoint.Create(MyServer.CreateServer()));
///
///     public static Task&lt;Response&gt; FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);
/// }
/// </code>
/// </summary>
public interface IWorker
{
    /// <summary>Answers one request; the equivalent of a Worker's <c>fetch</c> handler (workers-rs's <c>#[event(fetch)]</c>).</summary>
    /// <param name="request">The incoming request.</param>
    /// <param name="env">The Worker's vars, secrets and bindings.</param>
    /// <param name="context">The request's execution context, for work that outlives the response.</param>
    /// <returns>The response to send.</returns>
    static abstract Task<Response> FetchAsync(Request request, Env env, Context context);
}
