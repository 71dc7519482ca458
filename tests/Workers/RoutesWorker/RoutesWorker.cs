using System.Globalization;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Workers;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace RoutesWorker;

/// <summary>Routes that exercise the Workers runtime: MCP, failures, cancellation, timers, the environment, logging, streamed bodies and WebSockets.</summary>
public sealed class RoutesWorker : IWorker
{
    private static readonly McpServer Server = McpServer.CreateBuilder("routes-worker", "1.0.0")
        .Tool<string>("fail", "Always throws", _ => throw new InvalidOperationException("tool failed on purpose"))
        .Tool<string>("slow", "Waits 20 ms on a .NET timer, then answers", async context =>
        {
            await Task.Delay(20, context.CancellationToken);
            return "slow done";
        })
        .Tool<string>("wait", "Reports progress when asked, then waits until the client goes away", WaitProbe.WaitAsync)
        .WithTools<LogProbe>()
        .Build();

    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Post("/mcp", McpEndpoint.Create(Server))
        .Get("/throw", Throw)
        .Get("/delay/:ms", async (_, route) =>
        {
            var ms = int.Parse(route.Param("ms"), CultureInfo.InvariantCulture);
            await Task.Delay(ms);
            return Response.Ok($"waited {ms} ms");
        })
        .Get("/env/:name", (_, route) => route.Env.GetOrDefault(route.Param("name")) is { } value ? Response.Ok(value) : Response.Text("unset", 404))
        .Get("/var/:name", (_, route) => Response.Ok(route.Env.Var(route.Param("name"))))
        .Get("/hash/:text", (_, route) => Response.Ok(route.Param("text").GetHashCode().ToString(CultureInfo.InvariantCulture)))
        .Get("/random", (_, _) => Response.Ok(RandomProbe.Draw()))
        .Get("/waits", (_, _) => Response.Ok(WaitProbe.Counts()))
        .Post("/flood", (request, _) => Response.Ok(RandomProbe.Flood(request.Text())))
        .Get("/stream/:token/:chunks", (_, route) => StreamProbe.Body(route.Param("token"), int.Parse(route.Param("chunks"), CultureInfo.InvariantCulture)))
        .Get("/streamed/:token", (_, route) => Response.Ok(StreamProbe.Count(route.Param("token"))))
        .Get("/after/:text", (_, route) =>
        {
            // Work that outlives the response: workerd keeps the isolate busy until it ends.
            route.Context.WaitUntil(LogLaterAsync(route.Param("text")));
            return Response.Ok("answered first");
        })
        .WebSocket("/ws/echo", (socket, _) => WebSocketProbe.EchoAsync(socket))
        .WebSocket("/ws/close/:code", (socket, route) => WebSocketProbe.CloseFirstAsync(socket, int.Parse(route.Param("code"), CultureInfo.InvariantCulture)))
        .WebSocket("/ws/throw", (socket, _) => WebSocketProbe.ThrowAsync(socket))
        .WebSocket("/ws/send-after-close", (socket, _) => WebSocketProbe.SendAfterCloseAsync(socket))
        .Get("/log/:text", (_, route) =>
        {
            Log.Info("routes-worker log: " + route.Param("text"));
            return Response.Ok("logged");
        });

    private static async Task LogLaterAsync(string text)
    {
        await Task.Delay(30);
        Log.Info("routes-worker after response: " + text);
    }

    private static Response Throw(Request request, RouteContext route) => throw new InvalidOperationException("route failed on purpose");

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);
}
