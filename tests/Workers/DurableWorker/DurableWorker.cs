using System.Globalization;
using Pmcp.Workers;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace DurableWorker;

/// <summary>
/// Runs the Durable Object contract inside workerd: <c>GET /do</c> lists the cases (one name a line), <c>POST
/// /do/{name}</c> runs one against this request's env and answers 200 "pass" or 500 with why it failed. <c>POST
/// /count/{name}</c> increments the counter object called name and answers its new count; <c>GET /count/{name}</c>
/// reads it (for the tests that count from outside, and across restarts). <c>GET /room/{name}</c> forwards a WebSocket upgrade to
/// the <see cref="ChatRoom"/> called name, and <c>GET /room/{name}/count</c> asks it how many sockets it holds.
/// </summary>
public sealed class DurableWorker : IWorker
{
    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Get("/do", (_, _) => Response.Ok(string.Join('\n', DurableObjectCases.All.Keys)))
        .Post("/do/:name", (_, route) => RunAsync(route.Param("name"), route.Env))
        .Post("/count/:name", (_, route) => CounterAsync(route.Env, route.Param("name"), HttpMethod.Post, "/increment"))
        .Get("/count/:name", (_, route) => CounterAsync(route.Env, route.Param("name"), HttpMethod.Get, "/count"))
        .Get("/room/:name", (request, route) => Room(route).ForwardAsync(request))
        .Get("/room/:name/count", (request, route) => Room(route).ForwardAsync(request))
        .Get("/room/:name/instance", (request, route) => Room(route).ForwardAsync(request));

    private static Pmcp.Workers.DurableObjects.DurableObjectStub Room(RouteContext route) => route.Env.DurableObject("ROOM").GetByName(route.Param("name"));

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);

    private static async Task<Response> CounterAsync(Env env, string name, HttpMethod method, string path)
    {
        using var response = await env.DurableObject(ContractBindings.Counter).GetByName(name).FetchAsync(new HttpRequestMessage(method, path));
        return Response.Text(await response.Content.ReadAsStringAsync(), (int)response.StatusCode);
    }

    private static async Task<Response> RunAsync(string name, Env env)
    {
        if (!DurableObjectCases.All.ContainsKey(name))
        {
            return Response.Text($"No Durable Object case '{name}'.", 404);
        }

        try
        {
            await DurableObjectCases.RunAsync(name, env);
            return Response.Ok("pass");
        }
        catch (ContractFailure failure)
        {
            return Response.Text("fail: " + failure.Message, 500);
        }
        catch (Exception e)
        {
            return Response.Text(string.Create(CultureInfo.InvariantCulture, $"error: {e.GetType().FullName}: {e.Message}"), 500);
        }
    }
}
