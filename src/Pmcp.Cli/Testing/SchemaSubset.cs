using System.Text.Json;

namespace Pmcp.Cli.Testing;

/// <summary>
/// Checks a value against the part of JSON Schema that tool schemas use and the generator emits: <c>type</c> (one
/// or a list), <c>properties</c>, <c>required</c>, <c>items</c> and <c>enum</c>. Everything else (formats, bounds,
/// patterns, <c>additionalProperties</c>, <c>$ref</c>, <c>oneOf</c>/<c>anyOf</c>/<c>allOf</c>) is not checked, and
/// <see cref="NotChecked"/> says so in the report instead of passing it silently.
/// </summary>
internal static class SchemaSubset
{
    /// <summary>The keywords this validator does not enforce, for the report.</summary>
    public const string NotChecked = "format, bounds, pattern, additionalProperties, $ref and oneOf/anyOf/allOf are not checked";

    private static readonly HashSet<string> Types = ["object", "array", "string", "number", "integer", "boolean", "null"];

    /// <summary>
    /// Why <paramref name="schema"/> is not a usable tool input schema (an object with <c>"type": "object"</c>, its
    /// <c>properties</c> an object of schemas, its <c>required</c> a list of names), or null when it is.
    /// </summary>
    public static string? ObjectSchemaProblem(JsonElement? schema)
    {
        if (schema is not { ValueKind: JsonValueKind.Object } s)
        {
            return "the schema is missing or not a JSON object";
        }

        if (!s.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            return $"its \"type\" is {(s.TryGetProperty("type", out var t) ? t.GetRawText() : "missing")}, not \"object\"";
        }

        return ShapeProblem(s, "");
    }

    /// <summary>The places where <paramref name="value"/> breaks <paramref name="schema"/>; empty when none.</summary>
    public static List<string> Validate(JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Validate(schema, value, "$", errors);
        return errors;
    }

    private static string? ShapeProblem(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("type", out var type) && !TypeNames(type).All(Types.Contains))
        {
            return $"{Where(path)}\"type\" {type.GetRawText()} is not a JSON Schema type";
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                return $"{Where(path)}\"properties\" is not an object";
            }

            foreach (var property in properties.EnumerateObject())
            {
                if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
                {
                    return $"{Where(path)}property '{property.Name}' has no schema";
                }

                if (property.Value.ValueKind == JsonValueKind.Object && ShapeProblem(property.Value, path + "." + property.Name) is { } inner)
                {
                    return inner;
                }
            }
        }

        if (schema.TryGetProperty("required", out var required)
            && (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String)))
        {
            return $"{Where(path)}\"required\" is not a list of property names";
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            return ShapeProblem(items, path + "[]");
        }

        return null;
    }

    private static string Where(string path) => path.Length == 0 ? "" : $"at {path[1..]}: ";

    private static void Validate(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here");
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var names = TypeNames(type);
            if (names.Count > 0 && !names.Any(n => IsOfType(value, n)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", names)}, got {KindName(value)}");
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array
            && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value)))
        {
            errors.Add($"{path}: {Short(value)} is not one of {Short(options)}");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in required.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!))
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        errors.Add($"{path}: required property '{name}' is missing");
                    }
                }
            }

            if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in value.EnumerateObject())
                {
                    if (properties.TryGetProperty(property.Name, out var propertySchema))
                    {
                        Validate(propertySchema, property.Value, $"{path}.{property.Name}", errors);
                    }
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(items, item, $"{path}[{index++}]", errors);
            }
        }
    }

    /// <summary>The type names of a <c>type</c> keyword: one string, or a list of them.</summary>
    public static List<string> TypeNames(JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => [type.GetString()!],
        JsonValueKind.Array => [.. type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)],
        _ => [],
    };

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && decimal.Truncate(d) == d,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string KindName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Short(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
