using Pmcp.Workers.Http;

namespace Pmcp.Workers;

/// <summary>
/// A Worker with its own routes, the chapter's explicit form. Implement it instead of
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
    static abstract Task<Response> FetchAsync(Request request, Env env, Context context);
}
