using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pmcp.Http;

namespace PmcpServer.Tests;

/// <summary>
/// Talks to the server in memory through <see cref="StreamableHttpHandler"/>, the very code that answers
/// <c>POST /mcp</c> in workerd and on Kestrel: no network, no process, the same JSON on the wire.
/// </summary>
internal sealed class McpClient(Pmcp.Server.McpServer server)
{
    private readonly StreamableHttpHandler _handler = new(server);
    private int _nextId;

    /// <summary>Sends one JSON-RPC request and returns its result, failing the test on an HTTP or JSON-RPC error.</summary>
    public async Task<JsonElement> RequestAsync(string method, JsonObject? parameters = null)
    {
        var answer = await SendAsync(method, parameters);
        Assert.False(answer.TryGetProperty("error", out var error), $"{method} failed: {error}");
        return answer.GetProperty("result");
    }

    public Task<JsonElement> CallToolAsync(string name, JsonObject arguments) =>
        RequestAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments });

    /// <summary>Sends one JSON-RPC request and returns the whole answer (<c>result</c> or <c>error</c>).</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        var response = await _handler.HandleAsync(McpHttpRequest.From("POST", "/mcp",
            [
                new("Content-Type", "application/json"),
                new("Accept", "application/json, text/event-stream"),
                new("MCP-Protocol-Version", "2025-06-18"),
            ],
            Encoding.UTF8.GetBytes(body.ToJsonString())));

        Assert.Equal(200, response.StatusCode);
        using var json = JsonDocument.Parse(response.Body);
        return json.RootElement.Clone();
    }
}
