using Pmcp.Server;
using Pmcp.Workers;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace FetchBenchWorker;

/// <summary>
/// <c>POST /mcp</c>: the MCP server of <see cref="FetchTools"/>, built once per isolate. <c>GET /download?url=…</c>:
/// that URL's body streamed through .NET to the client (the memory suite's large download).
/// </summary>
public sealed class FetchBenchWorker : IWorker
{
    private static readonly McpServer Server = McpServer.CreateBuilder("fetch-bench", "1.0.0").WithTools<FetchTools>().Build();

    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Post("/mcp", McpEndpoint.Create(Server))
        .Get("/download", DownloadAsync);

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);

    private static async Task<Response> DownloadAsync(Request request, RouteContext _)
    {
        if (request.Query("url") is not { } url)
        {
            return Response.Text("GET /download?url=…", 400);
        }

        var upstream = await FetchTools.Http.GetStreamAsync(url);
        return Response.Stream(upstream, "application/octet-stream");
    }
}
