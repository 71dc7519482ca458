using Pmcp.Workers;
using Pmcp.Workers.Contract;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace ServicesWorker;

/// <summary>
/// Runs the service-binding contract inside workerd: <c>GET /service</c> lists the cases (one name a line),
/// <c>POST /service/{name}</c> runs one against this request's env through its binding ECHO (the JS Worker
/// tests/Workers/EchoService), <c>POST /service-cs/{name}</c> through ECHO_CS (the C# Worker tests/Workers/EchoWorker),
/// and answers 200 "pass" or 500 with why it failed.
/// </summary>
public sealed class ServicesWorker : IWorker
{
    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Get("/service", (_, _) => Response.Ok(string.Join('\n', ServiceCases.All.Keys)))
        .Post("/service/:name", (_, route) => RunAsync(route.Param("name"), route.Env, ContractBindings.Service))
        .Post("/service-cs/:name", (_, route) => RunAsync(route.Param("name"), route.Env, ContractBindings.CSharpService))
        .Get("/unbound", (_, route) => Response.Ok(route.Env.Service(ContractBindings.Unbound).Name));

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);

    private static async Task<Response> RunAsync(string name, Env env, string binding)
    {
        if (!ServiceCases.All.ContainsKey(name))
        {
            return Response.Text($"No service case '{name}'.", 404);
        }

        try
        {
            await ServiceCases.RunAsync(name, env, binding);
            return Response.Ok("pass");
        }
        catch (ContractFailure failure)
        {
            return Response.Text("fail: " + failure.Message, 500);
        }
        catch (Exception e)
        {
            return Response.Text($"error: {e.GetType().FullName}: {e.Message}", 500);
        }
    }
}
