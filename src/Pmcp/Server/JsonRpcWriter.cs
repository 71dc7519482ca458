using System.Buffers;
using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Writes JSON-RPC envelopes straight to UTF-8.</summary>
internal static class JsonRpcWriter
{
    private static JsonWriterOptions Options => Json.JsonWriting.Options;

    /// <summary>
    /// This thread's buffer and writer for answers, kept from one to the next: a result is written from start to end
    /// without awaiting, so one thread writes one at a time (a nested write, were there one, would make its own).
    /// </summary>
    [ThreadStatic]
    private static ResultWriter? t_resultWriter;

    /// <summary>A request's answer: <paramref name="result"/> (the reply's value or a copy of it) written once, with its own metadata.</summary>
    public static byte[] Result(JsonElement id, ResultReply reply, Result result)
    {
        var writer = t_resultWriter ?? new ResultWriter();
        t_resultWriter = null;
        var buffer = writer.Buffer;
        var w = writer.Writer;
        // Results can be megabytes: written into pooled segments, copied out once (PooledBufferWriter says why).
        // 4 KiB: what Utf8JsonWriter asks for at its first flush, so a small answer stays in one pooled segment.
        buffer.Restart(4096);
        w.Reset(buffer);
        try
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WritePropertyName("id"u8);
            id.WriteTo(w);
            w.WritePropertyName("result"u8);
            reply.Write(w, result);
            w.WriteEndObject();
            w.Flush();
            return buffer.ToArray();
        }
        finally
        {
            buffer.Dispose();
            t_resultWriter = writer;
        }
    }

    private sealed class ResultWriter
    {
        public ResultWriter() => Writer = new Utf8JsonWriter(Buffer, Options);

        public Json.PooledBufferWriter Buffer { get; } = new();

        public Utf8JsonWriter Writer { get; }
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
        using (var w = StartNotification(buffer, method))
        {
            @params.WriteTo(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>notifications/progress</c>, written once as the whole message (no params document to parse and rewrite).</summary>
    public static byte[] Progress(JsonElement token, double progress, double? total, string? message)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var w = StartNotification(buffer, "notifications/progress"))
        {
            w.WriteStartObject();
            w.WritePropertyName("progressToken"u8);
            token.WriteTo(w);
            w.WriteNumber("progress"u8, progress);
            if (total is { } t)
            {
                w.WriteNumber("total"u8, t);
            }

            if (message is not null)
            {
                w.WriteString("message"u8, message);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>notifications/message</c>, written once as the whole message.</summary>
    public static byte[] Log(LoggingLevel level, string message, string? logger)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var w = StartNotification(buffer, "notifications/message"))
        {
            w.WriteStartObject();
            w.WriteString("level"u8, LogLevels.ToWire(level));
            if (logger is not null)
            {
                w.WriteString("logger"u8, logger);
            }

            w.WriteString("data"u8, message);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A writer that has written <c>{"jsonrpc":"2.0","method":…,"params":</c>; the caller writes the params and closes.</summary>
    private static Utf8JsonWriter StartNotification(ArrayBufferWriter<byte> buffer, string method)
    {
        var w = new Utf8JsonWriter(buffer, Options);
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0"u8);
        w.WriteString("method"u8, method);
        w.WritePropertyName("params"u8);
        return w;
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
