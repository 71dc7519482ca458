using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Postgres;

/// <summary>A statement's answer as it came: the columns, each DataRow's body, the command tag.</summary>
internal sealed class PgRows(PostgresColumn[] columns, List<byte[]> rows, string tag)
{
    public int Count => rows.Count;

    public string Tag => tag;

    public long RowsAffected => PgBackend.RowsAffected(tag);

    /// <summary>Each row as a JSON object (column names as property names) read into <typeparamref name="T"/>.</summary>
    public List<T> Objects<T>(JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        var list = new List<T>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            WriteRow(writer, rows[r], asObject: true);
            writer.Flush();
            try
            {
                list.Add(JsonSerializer.Deserialize(buffer.WrittenSpan, typeInfo)!);
            }
            catch (JsonException e)
            {
                throw new WorkerException($"PostgreSQL row {r + 1} does not fit {typeof(T).Name} ({e.Message}). Name the columns after its properties (select created_at as \"createdAt\").", e);
            }
        }

        return list;
    }

    /// <summary>Every row as an array of JSON values in column order.</summary>
    public PostgresResult ToResult()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var row in rows)
            {
                WriteRow(writer, row, asObject: false);
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var all = document.RootElement.Clone();
        var values = new List<JsonElement[]>(rows.Count);
        foreach (var row in all.EnumerateArray())
        {
            values.Add([.. row.EnumerateArray()]);
        }

        return new PostgresResult(columns, values, tag, RowsAffected);
    }

    private void WriteRow(Utf8JsonWriter writer, byte[] body, bool asObject)
    {
        Span<Range> ranges = columns.Length <= 64 ? stackalloc Range[columns.Length] : new Range[columns.Length];
        Span<bool> nulls = columns.Length <= 64 ? stackalloc bool[columns.Length] : new bool[columns.Length];
        PgBackend.DataRow(body, ranges, nulls);
        if (asObject)
        {
            writer.WriteStartObject();
        }
        else
        {
            writer.WriteStartArray();
        }

        for (var i = 0; i < columns.Length; i++)
        {
            if (asObject)
            {
                writer.WritePropertyName(columns[i].Name);
            }

            if (nulls[i])
            {
                writer.WriteNullValue();
            }
            else
            {
                PgValues.Write(writer, columns[i].TypeOid, body.AsSpan(ranges[i]));
            }
        }

        if (asObject)
        {
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteEndArray();
        }
    }
}
