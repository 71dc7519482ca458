using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Schema;

/// <summary>
/// Derives a tool's JSON Schema from its C# type, once, when the server is built: descriptions come from
/// <see cref="DescriptionAttribute"/>, required members from constructor parameters without defaults,
/// <c>required</c> members and non-nullable reference types.
/// </summary>
internal static class ToolSchemas
{
    private static readonly JsonSchemaExporterOptions ExporterOptions = new()
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = Transform,
    };

    public static JsonObject For(JsonTypeInfo typeInfo)
    {
        var node = typeInfo.GetJsonSchemaAsNode(ExporterOptions);
        return node as JsonObject ?? new JsonObject { ["type"] = "object" };
    }

    /// <summary>MCP wants object schemas for input and output; anything else is wrapped as <c>{ "result": … }</c>.</summary>
    public static bool IsObjectSchema(JsonObject schema) =>
        schema["type"] switch
        {
            JsonValue v => v.TryGetValue<string>(out var t) && t == "object",
            JsonArray a => a.Count == 2 && a.Any(x => x?.GetValue<string>() == "object") && a.Any(x => x?.GetValue<string>() == "null"),
            _ => false,
        };

    public static JsonObject WrapAsResult(JsonObject schema) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["result"] = schema },
        ["required"] = new JsonArray("result"),
    };

    public static JsonElement ToElement(JsonNode node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Json.JsonWriting.Options))
        {
            node.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject obj)
        {
            return schema;
        }

        var description =
            Describe(context.PropertyInfo?.AttributeProvider)
            ?? Describe(context.PropertyInfo?.AssociatedParameter?.AttributeProvider)
            ?? (context.PropertyInfo is null ? Describe(context.TypeInfo.Type) : null);
        if (description is not null && !obj.ContainsKey("description"))
        {
            obj.Insert(0, "description", description);
        }

        if (context.PropertyInfo is null && context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            AddRequiredMembers(context.TypeInfo, obj);
        }

        return obj;
    }

    private static void AddRequiredMembers(JsonTypeInfo typeInfo, JsonObject obj)
    {
        var required = obj["required"] as JsonArray ?? [];
        var present = required.Select(n => n?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var property in typeInfo.Properties)
        {
            // Init-only properties come as "parameters" too (member initializers); only constructor parameters are required.
            var mustHave = property.IsRequired
                || property.AssociatedParameter is { HasDefaultValue: false, IsNullable: false, IsMemberInitializer: false };
            if (mustHave && present.Add(property.Name))
            {
                required.Add((JsonNode)JsonValue.Create(property.Name));
            }
        }

        if (required.Count > 0 && required.Parent is null)
        {
            obj["required"] = required;
        }
    }

    private static string? Describe(ICustomAttributeProvider? provider) =>
        provider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false) is [DescriptionAttribute d, ..] ? d.Description : null;
}
