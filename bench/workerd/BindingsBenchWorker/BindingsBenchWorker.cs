using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pmcp.Workers;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace BindingsBenchWorker;

/// <summary>
/// Three routes, each one request of the bindings benchmark, written as a user would write them:
/// <c>GET /noop?key=…</c> answers the key (routing and the query, no binding: the baseline),
/// <c>GET /kv?key=…</c> answers the KV value as text (404 when absent),
/// <c>GET /d1?id=…</c> answers the row of <c>items</c> with that id as JSON (404 when absent).
/// bench/workerd/bindings-js-worker/index.mjs does the same in plain JavaScript. Two more routes take those apart
/// (<c>--breakdown</c>); the JavaScript Worker has no counterpart for them.
/// </summary>
public sealed class BindingsBenchWorker : IWorker
{
    private static readonly Router Routes = new Router()
        .Get("/noop", (request, _) => Response.Ok(request.Query("key") ?? ""))
        .Get("/kv", async (request, route) =>
            await route.Env.Kv("KV").GetTextAsync(request.Query("key") ?? "") is { } value ? Response.Ok(value) : Response.Text("absent", 404))
        .Get("/d1", async (request, route) =>
        {
            var id = long.Parse(request.Query("id") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture);
            var item = await route.Env.D1("DB").Prepare("SELECT id, name, value FROM items WHERE id = ?1").Bind(id).FirstAsync(BenchJsonContext.Default.Item);
            return item is null ? Response.Text("absent", 404) : Response.Json(item, BenchJsonContext.Default.Item);
        })

        // Breakdown routes (bench/run-workerd-bindings.sh --breakdown): parts of the two above.
        // The KV binding looked up, not called: what env.Kv(…) costs by itself.
        .Get("/kv-lookup", (request, route) =>
        {
            _ = route.Env.Kv("KV");
            return Response.Ok(request.Query("key") ?? "");
        })

        // The same query as /d1 and the same answer, from RawAsync (the row as JSON values) written out by hand:
        // /d1 minus this is what FirstAsync<T> and Response.Json add over the raw row.
        .Get("/d1-raw", async (request, route) =>
        {
            var id = long.Parse(request.Query("id") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture);
            var raw = await route.Env.D1("DB").Prepare("SELECT id, name, value FROM items WHERE id = ?1").Bind(id).RawAsync();
            if (raw.Rows.Count == 0)
            {
                return Response.Text("absent", 404);
            }

            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                for (var i = 0; i < raw.Columns.Count; i++)
                {
                    writer.WritePropertyName(raw.Columns[i]);
                    raw.Rows[0][i].WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            return Response.Bytes(buffer.WrittenMemory, "application/json");
        });

    public static Task<Response> FetchAsync(Request request, Env env, Context context) => Routes.RunAsync(request, env, context);
}

/// <summary>A row of the items table, the benchmark's seed.</summary>
public sealed record Item(long Id, string Name, string Value);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Item))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
