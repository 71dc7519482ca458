using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pmcp.Schema;

/// <summary>
/// Checks arguments against the subset of JSON Schema that <see cref="ToolSchemas"/> emits (type, required,
/// properties, items, enum), so a bad call is answered with the offending field named, before any user code runs.
/// It runs on every call, so a valid call allocates nothing: names and types are compared as UTF-8 in place, and the
/// path and message of a problem are made only when there is one.
/// </summary>
internal static class SchemaValidator
{
    private const int MaxDepth = 64;

    /// <summary>Returns null when valid, else a message naming the first offending field.</summary>
    public static string? Validate(JsonElement value, JsonElement schema) => Check(value, schema, 0)?.Message();

    private static Problem? Check(JsonElement value, JsonElement schema, int depth)
    {
        if (depth > MaxDepth || schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("type"u8, out var type) && !MatchesType(value, type))
        {
            return TypeProblem(type, value);
        }

        if (schema.TryGetProperty("enum"u8, out var allowed) && allowed.ValueKind == JsonValueKind.Array && !Contains(allowed, value))
        {
            return EnumProblem(allowed);
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required"u8, out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in required.EnumerateArray())
                {
                    if (name.ValueKind == JsonValueKind.String ? !HasProperty(value, name) : name.GetString() is { } n && !value.TryGetProperty(n, out _))
                    {
                        return MissingProblem(name.GetString()!);
                    }
                }
            }

            if (schema.TryGetProperty("properties"u8, out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in value.EnumerateObject())
                {
                    if (TryGetMemberSchema(properties, member, out var memberSchema)
                        && Check(member.Value, memberSchema, depth + 1) is { } problem)
                    {
                        return problem.In(member.Name);
                    }
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items"u8, out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Check(item, items, depth + 1) is { } problem)
                {
                    return problem.At(i);
                }

                i++;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="obj"/> has the property named by the string <paramref name="name"/>, without making the name a string.</summary>
    private static bool HasProperty(JsonElement obj, JsonElement name)
    {
        var raw = Unquoted(JsonMarshal.GetRawUtf8Value(name));
        return raw.Contains((byte)'\\') ? obj.TryGetProperty(name.GetString()!, out _) : obj.TryGetProperty(raw, out _);
    }

    /// <summary>The schema of <paramref name="member"/> in <paramref name="properties"/>, looked up by its UTF-8 name in place.</summary>
    private static bool TryGetMemberSchema(JsonElement properties, JsonProperty member, out JsonElement schema)
    {
        var raw = Unquoted(JsonMarshal.GetRawUtf8PropertyName(member));
        return raw.Contains((byte)'\\') ? properties.TryGetProperty(member.Name, out schema) : properties.TryGetProperty(raw, out schema);
    }

    /// <summary>A raw JSON string or name without its quotes, whether or not the view included them.</summary>
    private static ReadOnlySpan<byte> Unquoted(ReadOnlySpan<byte> raw) =>
        raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' ? raw[1..^1] : raw;

    private static bool Contains(JsonElement allowed, JsonElement value)
    {
        foreach (var candidate in allowed.EnumerateArray())
        {
            if (JsonElement.DeepEquals(candidate, value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesType(JsonElement value, JsonElement type)
    {
        switch (type.ValueKind)
        {
            case JsonValueKind.String:
                return MatchesTypeName(value, type);
            case JsonValueKind.Array:
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind == JsonValueKind.String ? MatchesTypeName(value, t) : MatchesType(value, t.GetString()))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return true;
        }
    }

    /// <summary><see cref="MatchesType(JsonElement, string)"/> with the type's name compared in place.</summary>
    private static bool MatchesTypeName(JsonElement value, JsonElement type)
    {
        if (type.ValueEquals("object"u8))
        {
            return value.ValueKind == JsonValueKind.Object;
        }

        if (type.ValueEquals("string"u8))
        {
            return value.ValueKind == JsonValueKind.String;
        }

        if (type.ValueEquals("integer"u8))
        {
            return value.ValueKind == JsonValueKind.Number && IsInteger(value);
        }

        if (type.ValueEquals("number"u8))
        {
            return value.ValueKind == JsonValueKind.Number;
        }

        if (type.ValueEquals("boolean"u8))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False;
        }

        if (type.ValueEquals("array"u8))
        {
            return value.ValueKind == JsonValueKind.Array;
        }

        return !type.ValueEquals("null"u8) || value.ValueKind == JsonValueKind.Null;
    }

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

    // The problems are made in methods of their own, so that no closure is allocated on the path of a valid call.
    private static Problem TypeProblem(JsonElement type, JsonElement value)
    {
        var kind = KindText(value);
        return new Problem(path => $"{Describe(path)} must be {TypeText(type)}, not {kind}");
    }

    private static Problem EnumProblem(JsonElement allowed) => new(path => $"{Describe(path)} must be one of {allowed.GetRawText()}");

    private static Problem MissingProblem(string name) => new(path => $"missing required property '{Join(path, name)}'");

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

    /// <summary>What is wrong and where: the path is gathered as the check unwinds, innermost step first.</summary>
    private sealed class Problem(Func<string, string> message)
    {
        private readonly List<(string? Name, int Index)> _steps = [];

        public Problem In(string name)
        {
            _steps.Add((name, 0));
            return this;
        }

        public Problem At(int index)
        {
            _steps.Add((null, index));
            return this;
        }

        /// <summary>The message, with the path written as before: <c>a.b[2].c</c>.</summary>
        public string Message()
        {
            var path = "";
            for (var i = _steps.Count - 1; i >= 0; i--)
            {
                var (name, index) = _steps[i];
                path = name is null ? $"{path}[{index}]" : Join(path, name);
            }

            return message(path);
        }
    }
}
