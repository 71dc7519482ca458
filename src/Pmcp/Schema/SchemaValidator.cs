using System.Text.Json;

namespace Pmcp.Schema;

/// <summary>
/// Checks arguments against the subset of JSON Schema that <see cref="ToolSchemas"/> emits (type, required,
/// properties, items, enum), so a bad call is answered with the offending field named, before any user code runs.
/// </summary>
internal static class SchemaValidator
{
    private const int MaxDepth = 64;

    /// <summary>Returns null when valid, else a message naming the first offending field.</summary>
    public static string? Validate(JsonElement value, JsonElement schema) => Validate(value, schema, "", 0);

    private static string? Validate(JsonElement value, JsonElement schema, string path, int depth)
    {
        if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(value, type))
        {
            return $"{Describe(path)} must be {TypeText(type)}, not {KindText(value)}";
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
            && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            return $"{Describe(path)} must be one of {allowed.GetRawText()}";
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in required.EnumerateArray())
                {
                    var n = name.GetString();
                    if (n is not null && !value.TryGetProperty(n, out _))
                    {
                        return $"missing required property '{Join(path, n)}'";
                    }
                }
            }

            if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in value.EnumerateObject())
                {
                    if (properties.TryGetProperty(member.Name, out var memberSchema)
                        && Validate(member.Value, memberSchema, Join(path, member.Name), depth + 1) is { } error)
                    {
                        return error;
                    }
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Validate(item, items, $"{path}[{i++}]", depth + 1) is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static bool MatchesType(JsonElement value, JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => MatchesType(value, type.GetString()),
        JsonValueKind.Array => type.EnumerateArray().Any(t => MatchesType(value, t.GetString())),
        _ => true,
    };

    private static bool MatchesType(JsonElement value, string? type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (value.TryGetDouble(out var d) && Math.Floor(d) == d && !double.IsInfinity(d));

    private static string TypeText(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString()))
        : type.GetString() ?? "?";

    private static string KindText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => "number",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Describe(string path) => path.Length == 0 ? "arguments" : $"'{path}'";
}
