using System.Text.Json;
using Pmcp.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>
/// Writes the usual <c>tools/call</c> result (text blocks, perhaps structured content) by hand: the same bytes the
/// serializer writes for it (CallToolResultWriterTests compares them), without its polymorphic machinery for the
/// content list on every call, and with a typed result's structured content written as it was serialized
/// (<see cref="StructuredJson"/>), not parsed and written again. Anything else goes to the serializer.
/// </summary>
internal static class CallToolResultWriter
{
    private enum Field
    {
        ResultType,
        Content,
        StructuredContent,
        IsError,
        TtlMs,
        CacheScope,
        Meta,
    }

    /// <summary>
    /// The properties in the serializer's own order, read from its metadata once; null (nothing written by hand) if
    /// the result gained a property this writer does not know.
    /// </summary>
    private static readonly Field[]? Order = SerializerOrder();

    /// <summary>Writes <paramref name="result"/> and returns true, or writes nothing and returns false when it is not a shape written here.</summary>
    public static bool TryWrite(Utf8JsonWriter writer, CallToolResult result)
    {
        if (Order is not { } order || !IsPlain(result))
        {
            return false;
        }

        // Nulls are left out, as the serializer leaves them (WhenWritingNull).
        writer.WriteStartObject();
        foreach (var field in order)
        {
            switch (field)
            {
                case Field.ResultType when result.ResultType is { } resultType:
                    writer.WriteString("resultType"u8, resultType);
                    break;
                case Field.Content:
                    WriteContent(writer, result.Content);
                    break;
                case Field.StructuredContent when result.StructuredJson is { } json:
                    writer.WritePropertyName("structuredContent"u8);
                    writer.WriteRawValue(json.Utf8, skipInputValidation: true);
                    break;
                case Field.StructuredContent when result.StructuredContent is { } structured:
                    writer.WritePropertyName("structuredContent"u8);
                    structured.WriteTo(writer);
                    break;
                case Field.IsError when result.IsError is { } isError:
                    writer.WriteBoolean("isError"u8, isError);
                    break;
                case Field.TtlMs when result.TtlMs is { } ttlMs:
                    writer.WriteNumber("ttlMs"u8, ttlMs);
                    break;
                case Field.CacheScope when result.CacheScope is { } cacheScope:
                    writer.WriteString("cacheScope"u8, cacheScope);
                    break;
                case Field.Meta when result.Meta is { } meta:
                    writer.WritePropertyName("_meta"u8);
                    meta.WriteTo(writer);
                    break;
            }
        }

        writer.WriteEndObject();
        return true;
    }

    /// <summary><c>"content":[{"type":"text","text":…},…]</c>: the discriminator first, as the serializer writes a <see cref="ContentBlock"/>.</summary>
    private static void WriteContent(Utf8JsonWriter writer, IReadOnlyList<ContentBlock> content)
    {
        writer.WriteStartArray("content"u8);
        for (var i = 0; i < content.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WritePropertyName("text"u8);
            SegmentedStringConverter.Write(writer, ((TextContent)content[i]).Text);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Only text blocks without annotations or <c>_meta</c>, and no JSON value left undefined (which the serializer refuses).</summary>
    private static bool IsPlain(CallToolResult result)
    {
        var content = result.Content;
        if (content is null
            || (result.StructuredJson is null && result.StructuredContent is { ValueKind: JsonValueKind.Undefined })
            || result.Meta is { ValueKind: JsonValueKind.Undefined })
        {
            return false;
        }

        for (var i = 0; i < content.Count; i++)
        {
            if (content[i] is not TextContent { Text: not null, Annotations: null, Meta: null })
            {
                return false;
            }
        }

        return true;
    }

    private static Field[]? SerializerOrder()
    {
        var properties = PmcpJsonContext.Default.CallToolResult.Properties;
        var order = new Field[properties.Count];
        for (var i = 0; i < order.Length; i++)
        {
            Field? field = properties[i].Name switch
            {
                "resultType" => Field.ResultType,
                "content" => Field.Content,
                "structuredContent" => Field.StructuredContent,
                "isError" => Field.IsError,
                "ttlMs" => Field.TtlMs,
                "cacheScope" => Field.CacheScope,
                "_meta" => Field.Meta,
                _ => null,
            };
            if (field is not { } known)
            {
                return null;
            }

            order[i] = known;
        }

        return order;
    }
}
