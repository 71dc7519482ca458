using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Pmcp.FakeCloudflare;

/// <summary>Reads a JSON request body whatever its Content-Type (wrangler sends some JSON bodies untyped).</summary>
internal static class JsonBody
{
    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? String(this JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static bool? Bool(this JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;
}
