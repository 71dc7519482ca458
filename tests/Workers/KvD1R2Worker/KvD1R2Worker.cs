using System.Globalization;
using System.Text;
using System.Text.Json;
using Pmcp.Workers;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace KvD1R2Worker;

/// <summary>
/// Routes that drive the KV, D1, R2 and Hyperdrive bindings inside workerd. Each route runs a scenario and answers
/// 200 "ok" or 500 with the first expectation that failed, so a test reads one line.
/// </summary>
public sealed class KvD1R2Worker : IWorker
{
    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .Get("/kv/:run", (_, route) => Scenario(() => BindingScenarios.KvAsync(route.Env.Kv("CACHE"), route.Param("run"))))
        .Get("/d1/:run", (_, route) => Scenario(() => BindingScenarios.D1Async(route.Env.D1("DB"), route.Param("run"))))
        .Get("/d1-error", async (_, route) =>
        {
            try
            {
                await route.Env.D1("DB").Prepare("SELECT * FROM missing_table WHERE id = ?1").Bind(1).RunAsync();
                return Response.Text("no error", 500);
            }
            catch (WorkerException e)
            {
                return Response.Ok(e.Message);
            }
        })
        .Get("/r2/:run", (_, route) => Scenario(() => BindingScenarios.R2Async(route.Env.Bucket("STORAGE"), route.Param("run"))))
        .Get("/hyperdrive", (_, route) =>
        {
            var h = route.Env.Hyperdrive("EXTERNAL_DB");
            return Response.Ok(string.Join('|', h.Host, h.Port.ToString(CultureInfo.InvariantCulture), h.User, h.Password, h.Database, h.ConnectionString.Length > 0 ? "cs" : "none"));
        })
        .Get("/missing", (_, route) =>
        {
            try
            {
                route.Env.Kv("DB"); // a D1 binding is not a KV namespace
                return Response.Text("no error", 500);
            }
            catch (WorkerException e)
            {
                return Response.Ok(e.Message);
            }
        })
        .Get("/keep/:name/:value", async (_, route) =>
        {
            var name = route.Param("name");
            await route.Env.D1("DB").Prepare("INSERT OR REPLACE INTO kept (name, value) VALUES (?1, ?2)").Bind(name, route.Param("value")).RunAsync();
            await route.Env.Kv("CACHE").PutAsync("kept:" + name, route.Param("value"));
            await route.Env.Bucket("STORAGE").PutAsync("kept/" + name, route.Param("value"));
            return Response.Ok("kept");
        })
        .Get("/kept/:name", async (_, route) =>
        {
            var name = route.Param("name");
            var d1 = await route.Env.D1("DB").Prepare("SELECT value FROM kept WHERE name = ?1").Bind(name).FirstValueAsync("value");
            var kv = await route.Env.Kv("CACHE").GetTextAsync("kept:" + name);
            var r2 = await route.Env.Bucket("STORAGE").GetAsync("kept/" + name);
            return Response.Ok($"{d1?.GetString()}|{kv}|{(r2 is null ? null : await r2.ReadTextAsync())}");
        })
        .Get("/after/:key", (_, route) =>
        {
            // Work after the response still reaches the request's bindings.
            var kv = route.Env.Kv("CACHE");
            route.Context.WaitUntil(WriteLaterAsync(kv, route.Param("key")));
            return Response.Ok("answered first");
        })
        .Get("/kv-get/:key", async (_, route) => await route.Env.Kv("CACHE").GetTextAsync(route.Param("key")) is { } v ? Response.Ok(v) : Response.Text("absent", 404));

    private static async Task WriteLaterAsync(KvNamespace kv, string key)
    {
        await Task.Delay(20);
        await kv.PutAsync(key, "written after the response");
    }

    private static async Task<Response> Scenario(Func<Task> run)
    {
        try
        {
            await run();
            return Response.Ok("ok");
        }
        catch (Exception e)
        {
            return Response.Text($"{e.GetType().Name}: {e.Message}", 500);
        }
    }

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);
}
