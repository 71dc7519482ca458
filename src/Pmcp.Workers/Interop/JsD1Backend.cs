using System.Runtime.Versioning;
using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Interop;

/// <summary>
/// A D1 database inside workerd (host/bindings.mjs, "d1.*"). Parameters travel as JSON values; blobs travel in the
/// call's binary payload, each parameter naming its offset and length, so no bytes are base64- or number-encoded.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsD1Backend(JsBinding binding, string family = "d1") : ID1Backend
{
    // "d1": a D1 database; "do": a Durable Object's ctx.storage.sql, which takes the same statements.
    private readonly string _query = family + ".query";
    private readonly string _raw = family + ".raw";
    private readonly string _batch = family + ".batch";
    private readonly string _exec = family + ".exec";

    public async Task<D1RawResult> QueryAsync(D1Statement statement, CancellationToken cancellationToken)
    {
        var blobs = new Blobs();
        var arguments = JsBinding.Arguments(w => WriteStatement(w, statement, blobs));
        var result = await binding.CallAsync(_query, arguments, blobs.Bytes, cancellationToken).ConfigureAwait(false);
        return Read(result);
    }

    public async Task<D1RawResult> QueryWithColumnsAsync(D1Statement statement, CancellationToken cancellationToken)
    {
        var blobs = new Blobs();
        var arguments = JsBinding.Arguments(w => WriteStatement(w, statement, blobs));
        var result = await binding.CallAsync(_raw, arguments, blobs.Bytes, cancellationToken).ConfigureAwait(false);
        return Read(result);
    }

    public async Task<IReadOnlyList<D1RawResult>> BatchAsync(IReadOnlyList<D1Statement> statements, CancellationToken cancellationToken)
    {
        if (statements.Count == 0)
        {
            return [];
        }

        var blobs = new Blobs();
        var arguments = JsBinding.Arguments(w =>
        {
            w.WriteStartArray("statements");
            foreach (var statement in statements)
            {
                w.WriteStartObject();
                WriteStatement(w, statement, blobs);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        var results = await binding.CallAsync(_batch, arguments, blobs.Bytes, cancellationToken).ConfigureAwait(false);
        return [.. results.EnumerateArray().Select(Read)];
    }

    public async Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken)
    {
        var result = await binding.CallAsync(_exec, w => w.WriteString("sql", sql), cancellationToken).ConfigureAwait(false);
        return new D1ExecResult((int)JsBinding.Int64(result, "count"), result.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0);
    }

    private static void WriteStatement(Utf8JsonWriter w, D1Statement statement, Blobs blobs)
    {
        w.WriteString("sql", statement.Sql);
        w.WriteStartArray("params");
        foreach (var parameter in statement.Parameters)
        {
            switch (parameter)
            {
                case null:
                    w.WriteNullValue();
                    break;
                case string text:
                    w.WriteStringValue(text);
                    break;
                case long whole:
                    w.WriteNumberValue(whole);
                    break;
                case double real when double.IsFinite(real):
                    w.WriteNumberValue(real);
                    break;
                case byte[] bytes:
                    w.WriteStartObject();
                    w.WriteStartArray("blob");
                    w.WriteNumberValue(blobs.Add(bytes));
                    w.WriteNumberValue(bytes.Length);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                default:
                    throw new WorkerException($"D1 cannot bind {parameter} ({parameter.GetType().Name}); bind strings, finite numbers, byte arrays or null.");
            }
        }

        w.WriteEndArray();
    }

    private static D1RawResult Read(JsonElement result)
    {
        var columns = result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var rows = new List<JsonElement[]>();
        foreach (var row in result.GetProperty("rows").EnumerateArray())
        {
            var values = new JsonElement[columns.Length];
            var i = 0;
            foreach (var value in row.EnumerateArray())
            {
                values[i++] = value;
            }

            rows.Add(values);
        }

        var meta = result.GetProperty("meta");
        return new D1RawResult(columns, rows, new D1Meta
        {
            Duration = meta.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0,
            Changes = JsBinding.Int64(meta, "changes"),
            LastRowId = JsBinding.Int64(meta, "last_row_id"),
            ChangedDb = meta.TryGetProperty("changed_db", out var c) && c.ValueKind == JsonValueKind.True,
            RowsRead = JsBinding.Int64(meta, "rows_read"),
            RowsWritten = JsBinding.Int64(meta, "rows_written"),
        });
    }

    /// <summary>The blob parameters of one call, end to end in one buffer.</summary>
    private sealed class Blobs
    {
        private MemoryStream? _stream;

        public ReadOnlyMemory<byte> Bytes => _stream is null ? default : _stream.GetBuffer().AsMemory(0, (int)_stream.Length);

        public long Add(byte[] bytes)
        {
            _stream ??= new MemoryStream();
            var offset = _stream.Length;
            _stream.Write(bytes);
            return offset;
        }
    }
}
