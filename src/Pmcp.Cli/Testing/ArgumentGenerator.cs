using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing;

/// <summary>
/// Arguments for a tool made from its input schema: one valid set (every required property, of its type, the first
/// of an enum), and invalid sets that break one rule each (a required property left out, a property of the wrong
/// type), which a server must refuse.
/// </summary>
internal static class ArgumentGenerator
{
    /// <summary>An invalid argument set and the rule it breaks, for the check's name.</summary>
    public sealed record Invalid(string Broken, JsonObject Arguments);

    /// <summary>Arguments that satisfy <paramref name="schema"/> as far as <see cref="SchemaSubset"/> reads it.</summary>
    public static JsonObject Valid(JsonElement schema) => (JsonObject)ValueFor(schema, depth: 0)!;

    /// <summary>Argument sets that each break the schema once; none when the schema has no properties to break.</summary>
    public static IEnumerable<Invalid> Invalids(JsonElement schema)
    {
        var required = Required(schema);
        if (required.Count > 0)
        {
            var arguments = Valid(schema);
            arguments.Remove(required[0]);
            yield return new Invalid($"required '{required[0]}' missing", arguments);
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            // A required property first: a wrong optional one is easier for a lenient server to overlook.
            var target = properties.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("type", out var t) && SchemaSubset.TypeNames(t).Count > 0)
                .OrderBy(p => required.Contains(p.Name) ? 0 : 1)
                .Select(p => (JsonProperty?)p)
                .FirstOrDefault();
            if (target is { } property)
            {
                var arguments = Valid(schema);
                var types = SchemaSubset.TypeNames(property.Value.GetProperty("type"));
                arguments[property.Name] = WrongValue(types);
                yield return new Invalid($"'{property.Name}' of the wrong type", arguments);
            }
        }
    }

    private static List<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array
            ? [.. required.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];

    private static JsonNode? ValueFor(JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "test";
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return JsonNode.Parse(constant.GetRawText());
        }

        if (schema.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array && options.GetArrayLength() > 0)
        {
            return JsonNode.Parse(options[0].GetRawText());
        }

        if (schema.TryGetProperty("default", out var preset))
        {
            return JsonNode.Parse(preset.GetRawText());
        }

        var types = schema.TryGetProperty("type", out var type) ? SchemaSubset.TypeNames(type) : [];
        var chosen = types.FirstOrDefault(t => t != "null") ?? types.FirstOrDefault() ?? (schema.TryGetProperty("properties", out _) ? "object" : "string");
        switch (chosen)
        {
            case "object":
                var result = new JsonObject();
                if (depth < 8 && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in Required(schema))
                    {
                        if (properties.TryGetProperty(name, out var propertySchema))
                        {
                            result[name] = ValueFor(propertySchema, depth + 1);
                        }
                    }
                }

                return result;
            case "array":
                var array = new JsonArray();
                var minItems = schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var m) ? m : 0;
                for (var i = 0; i < minItems && schema.TryGetProperty("items", out var items) && depth < 8; i++)
                {
                    array.Add(ValueFor(items, depth + 1));
                }

                return array;
            case "integer":
                return schema.TryGetProperty("minimum", out var lowest) && lowest.TryGetInt64(out var l) ? Math.Max(l, 1) : 1;
            case "number":
                return schema.TryGetProperty("minimum", out var least) && least.TryGetDouble(out var d) ? Math.Max(d, 1) : 1;
            case "boolean":
                return true;
            case "null":
                return null;
            default:
                var minLength = schema.TryGetProperty("minLength", out var length) && length.TryGetInt32(out var n) ? n : 0;
                return "test".PadRight(minLength, 'x');
        }
    }

    /// <summary>A value of none of <paramref name="types"/>.</summary>
    private static JsonNode WrongValue(List<string> types) =>
        types.Contains("string") ? (types.Contains("number") || types.Contains("integer") ? new JsonArray() : 12345) : "not-a-" + types[0];
}
