using System.ComponentModel;
using System.Text.Json;
using System.Buffers;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Protocol;
using Pmcp.Schema;

namespace Pmcp.Server.Generated;

/// <summary>
/// Called by the code Pmcp's source generator writes; not part of the API you call.
/// Turns what a tool returns into a <see cref="CallToolResult"/>; shared by <see cref="McpToolAttribute"/> methods
/// and the builder's typed tools.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ToolResults
{
    /// <summary>A tool that returns nothing (<c>void</c>, <c>Task</c>): MCP needs a content list, so an empty one. Used by generated code; not meant to be called directly.</summary>
    public static CallToolResult Empty() => new();

    /// <summary>A <c>string</c> result: one text content block. Used by generated code; not meant to be called directly.</summary>
    public static CallToolResult Text(string text) => CallToolResult.FromText(text);

    /// <summary>A single <see cref="ContentBlock"/> result. Used by generated code; not meant to be called directly.</summary>
    public static CallToolResult Content(ContentBlock block) => new() { Content = [block] };

    /// <summary>A result of several <see cref="ContentBlock"/>s, in order. Used by generated code; not meant to be called directly.</summary>
    public static CallToolResult Content(IEnumerable<ContentBlock> blocks) => new() { Content = [.. blocks] };

    /// <summary>
    /// Any other value: <c>structuredContent</c>, wrapped as <c>{ "result": … }</c> when its schema is not an object
    /// schema (MCP wants objects), and the same JSON as text for clients that read only content.
    /// Used by generated code; not meant to be called directly.
    /// </summary>
    public static CallToolResult Structured<T>(T value, JsonTypeInfo<T> info, bool wrap)
    {
        // Serialized straight to bytes: no JsonNode (which would weigh on every Worker that returns structured content).
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Json.JsonWriting.Options))
        {
            if (wrap)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("result"u8);
            }

            JsonSerializer.Serialize(writer, value, info);
            if (wrap)
            {
                writer.WriteEndObject();
            }
        }

        // Written once: these bytes go out as structuredContent and, as a string, as the text block; nothing parses
        // them back unless the result's StructuredContent is read. One pass of a reader keeps the old guarantee that
        // a converter writing broken JSON fails the call instead of reaching the client.
        var json = buffer.WrittenSpan.ToArray();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Skip();
        if (reader.Read())
        {
            throw new JsonException($"The structured result of type {typeof(T).Name} was written as more than one JSON value.");
        }

        return CallToolResult.FromStructuredJson(json);
    }
}
