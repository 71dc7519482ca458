using System.Buffers;
using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Writes JSON-RPC envelopes straight to UTF-8.</summary>
internal static class JsonRpcWriter
{
    private static JsonWriterOptions Options => Json.JsonWriting.Options;

    public static byte[] Result(JsonElement id, Action<Utf8JsonWriter> writeResult)
    {
        // Results can be megabytes: written into pooled segments, copied out once (PooledBufferWriter says why).
        // 4 KiB: what Utf8JsonWriter asks for at its first flush, so a small answer stays in one pooled segment.
        using var buffer = new Json.PooledBufferWriter(4096);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WritePropertyName("id"u8);
            id.WriteTo(w);
            w.WritePropertyName("result"u8);
            writeResult(w);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] Error(JsonElement id, int code, string message, JsonElement? data = null)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WritePropertyName("id"u8);
            if (id.ValueKind == JsonValueKind.Undefined)
            {
                w.WriteNullValue();
            }
            else
            {
                id.WriteTo(w);
            }

            w.WritePropertyName("error"u8);
            w.WriteStartObject();
            w.WriteNumber("code"u8, code);
            w.WriteString("message"u8, message);
            if (data is { } d)
            {
                w.WritePropertyName("data"u8);
                d.WriteTo(w);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Whether a message this writer made is a notification (no id): <see cref="Notification"/>'s shape.</summary>
    public static bool IsNotification(ReadOnlySpan<byte> message) => message.StartsWith("{\"jsonrpc\":\"2.0\",\"method\":"u8);

    public static byte[] Notification(string method, JsonElement @params)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WriteString("method"u8, method);
            w.WritePropertyName("params"u8);
            @params.WriteTo(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Request(string id, string method, JsonElement @params)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WriteString("id"u8, id);
            w.WriteString("method"u8, method);
            w.WritePropertyName("params"u8);
            @params.WriteTo(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(JsonElement id, McpException e) => Error(id, e.Code, e.Message, e.ErrorData);
}
