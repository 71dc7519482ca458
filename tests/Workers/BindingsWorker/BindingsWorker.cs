using Pmcp.Workers;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace BindingsWorker;

/// <summary>
/// Runs the bindings contract inside workerd: <c>GET /contract</c> lists the cases (one name a line),
/// <c>POST /contract/{name}</c> runs one against this request's env and answers 200 "pass" or 500 with why it failed.
/// </summary>
public sealed class BindingsWorker : IWorker
{
    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Get("/contract", (_, _) => Response.Ok(string.Join('\n', ContractCases.All.Keys)))
        .Post("/contract/:name", (_, route) => RunAsync(route.Param("name"), route.Env))
        .Post("/r2/keep", (_, route) => R2StreamProbes.KeepAsync(route.Env))
        .Post("/r2/read-kept", (_, _) => R2StreamProbes.ReadKeptAsync())
        .Post("/r2/memory/:mb", (_, route) => R2StreamProbes.MemoryAsync(route.Env, int.Parse(route.Param("mb"), System.Globalization.CultureInfo.InvariantCulture)))
        .Get("/r2/download", (_, route) => R2StreamProbes.DownloadAsync(route.Env))
        .Post("/crypto/pbkdf2/:implementation", (_, route) => CryptoProbes.Pbkdf2Async(route.Param("implementation")))
        .Post("/crypto/keep", (_, _) => CryptoProbes.KeepAsync())
        .Post("/crypto/use-kept", (_, _) => CryptoProbes.UseKeptAsync())
        .Get("/fetch", (_, _) => Response.Ok(string.Join('\n', FetchCases.All.Keys)))
        .Post("/fetch/:name", (request, route) => FetchProbes.RunAsync(request, route.Param("name")))
        .Post("/fetch-memory/:client/:mb", (request, route) => FetchProbes.MemoryAsync(request, route.Param("client"), route.Param("mb")))
        .Post("/fetch-keep/:client", (request, route) => FetchProbes.KeepAsync(request, route.Param("client")))
        .Post("/fetch-read-kept", (_, _) => FetchProbes.ReadKeptAsync())
        .Post("/fetch-outside/:client", (request, route) => FetchProbes.OutsideAsync(request, route.Param("client")))
        .Get("/websocket", (_, _) => Response.Ok(string.Join('\n', WebSocketCases.All.Keys)))
        .Post("/websocket/:name", (request, route) => WebSocketProbes.RunAsync(request, route.Param("name")))
        .Post("/websocket-keep", (request, _) => WebSocketProbes.KeepAsync(request))
        .Post("/websocket-use-kept", (_, _) => WebSocketProbes.UseKeptAsync());

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);

    private static async Task<Response> RunAsync(string name, Env env)
    {
        if (!ContractCases.All.ContainsKey(name))
        {
            return Response.Text($"No contract case '{name}'.", 404);
        }

        try
        {
            await ContractCases.RunAsync(name, env);
            return Response.Ok("pass");
        }
        catch (ContractFailure failure)
        {
            return Response.Text("fail: " + failure.Message, 500);
        }
        catch (Exception e)
        {
            // Anything else is a failure too, but say it was unexpected: a bug in a backend rather than a wrong answer.
            return Response.Text($"error: {e.GetType().FullName}: {e.Message}", 500);
        }
    }
}
