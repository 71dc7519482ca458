using System.Globalization;
using HelloWorld;
using Pmcp.Workers;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace MemoryWorker;

/// <summary>
/// The isolate memory test's Worker: <c>POST /mcp</c> is HelloWorld's MCP server, <c>GET /memory</c> the isolate's
/// memory (<see cref="MemoryProbe"/>), and <c>POST /download/{mb}</c> reads that many MB from the test API named by the
/// <c>X-Fetch-Server</c> header through .NET's HttpClient, every byte checked.
/// </summary>
public sealed class MemoryWorker : IWorker
{
    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Post("/mcp", McpEndpoint.Create(HelloWorldServer.CreateServer()))
        .Get("/memory", (_, _) => MemoryProbe.Read())
        .Post("/download/:mb", DownloadAsync);

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);

    private static async Task<Response> DownloadAsync(Request request, RouteContext route)
    {
        if (request.Headers["X-Fetch-Server"] is not { } server)
        {
            return Response.Text("Name the test API's base URL in the X-Fetch-Server header.", 400);
        }

        try
        {
            return Response.Ok(await FetchCases.MeasureDownloadAsync("default", server, int.Parse(route.Param("mb"), CultureInfo.InvariantCulture)));
        }
        catch (Exception e)
        {
            return Response.Text($"error: {e.GetType().FullName}: {e.Message}", 500);
        }
    }
}
