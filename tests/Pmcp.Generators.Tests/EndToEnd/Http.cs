using System.Text;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;

namespace Pmcp.Generators.Tests.EndToEnd;

/// <summary>Talks to the pure HTTP function as a client would: JSON-RPC over POST /mcp.</summary>
internal static class Http
{
    public static async Task<JsonElement> SendAsync(this StreamableHttpHandler handler, string method, string paramsJson, string version = ProtocolVersions.V20251125)
    {
        var body = $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{paramsJson}}}""";
        var response = await handler.HandleAsync(McpHttpRequest.From(
            "POST",
            "/mcp",
            [new("Content-Type", "application/json"), new("Accept", "application/json, text/event-stream"), new("MCP-Protocol-Version", version)],
            Encoding.UTF8.GetBytes(body)));
        Assert.Equal(200, response.StatusCode);
        var text = new StringBuilder(Encoding.UTF8.GetString(response.Body.Span));
        if (response.EventStream is { } events)
        {
            await foreach (var chunk in events)
            {
                text.Append(Encoding.UTF8.GetString(chunk.Span));
            }
        }

        // With SSE the answer is the last "data:" line; otherwise the body is the answer.
        var json = text.ToString();
        if (response.EventStream is not null)
        {
            json = json.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The result of <c>tools/call</c>, asserting it is not a JSON-RPC error.</summary>
    public static async Task<JsonElement> CallAsync(this StreamableHttpHandler handler, string tool, string argumentsJson, string version = ProtocolVersions.V20251125)
    {
        var answer = await handler.SendAsync("tools/call", $$"""{"name":"{{tool}}","arguments":{{argumentsJson}}}""", version);
        Assert.False(answer.TryGetProperty("error", out var error), $"unexpected error: {error}");
        return answer.GetProperty("result");
    }

    /// <summary>The text of a result's only content block.</summary>
    public static string Text(this JsonElement result)
    {
        var block = Assert.Single(result.GetProperty("content").EnumerateArray());
        Assert.Equal("text", block.GetProperty("type").GetString());
        return block.GetProperty("text").GetString()!;
    }

    public static bool IsError(this JsonElement result) => result.TryGetProperty("isError", out var e) && e.GetBoolean();
}
