using System.Buffers;
using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Builds the params of the notifications a server sends while it works.</summary>
internal static class NotificationPayloads
{
    public static JsonElement Progress(JsonElement token, double progress, double? total, string? message) =>
        Build(w =>
        {
            w.WritePropertyName("progressToken");
            token.WriteTo(w);
            w.WriteNumber("progress", progress);
            if (total is { } t)
            {
                w.WriteNumber("total", t);
            }

            if (message is not null)
            {
                w.WriteString("message", message);
            }
        });

    public static JsonElement Log(LoggingLevel level, string message, string? logger) =>
        Build(w =>
        {
            w.WriteString("level", LogLevels.ToWire(level));
            if (logger is not null)
            {
                w.WriteString("logger", logger);
            }

            w.WriteString("data", message);
        });

    private static JsonElement Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, Json.JsonWriting.Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
