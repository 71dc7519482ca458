using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Reads request params, answering -32602 with the offending field named.</summary>
internal static class Params
{
    public static string RequiredString(JsonElement obj, string name, string? path = null) =>
        OptionalString(obj, name, path) ?? throw Invalid($"'{path ?? name}' is required");

    public static string? OptionalString(JsonElement obj, string name, string? path = null)
    {
        if (!TryGet(obj, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"'{path ?? name}' must be a string");
    }

    public static JsonElement RequiredObject(JsonElement obj, string name) =>
        OptionalObject(obj, name) ?? throw Invalid($"'{name}' is required");

    public static JsonElement? OptionalObject(JsonElement obj, string name)
    {
        if (!TryGet(obj, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw Invalid($"'{name}' must be an object");
    }

    /// <summary>An object whose values must all be strings (prompt and completion arguments).</summary>
    public static Dictionary<string, string> StringMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (OptionalObject(obj, name) is not { } value)
        {
            return map;
        }

        foreach (var member in value.EnumerateObject())
        {
            map[member.Name] = member.Value.ValueKind == JsonValueKind.String
                ? member.Value.GetString()!
                : throw Invalid($"'{name}.{member.Name}' must be a string");
        }

        return map;
    }

    public static JsonElement? Meta(JsonElement obj) =>
        TryGet(obj, "_meta", out var meta) && meta.ValueKind == JsonValueKind.Object ? meta : null;

    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value);
    }

    private static McpException Invalid(string message) => McpException.InvalidParams($"Invalid params: {message}");
}
