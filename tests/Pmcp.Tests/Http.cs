using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pmcp.Http;
using Pmcp.Protocol;

namespace Pmcp.Tests;

/// <summary>Builds requests for the pure HTTP function and reads its responses.</summary>
internal static class Http
{
    public const string JsonAndSse = "application/json, text/event-stream";

    /// <summary>Sends exactly the given method, path, headers and body: no defaults added.</summary>
    public static Task<McpHttpResponse> SendAsync(this StreamableHttpHandler handler, string method, string path, ReadOnlyMemory<byte> body, params (string Name, string Value)[] headers) =>
        handler.HandleAsync(McpHttpRequest.From(method, path, headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)), body));

    /// <summary>POSTs to /mcp with Content-Type: application/json and Accept: JSON and SSE, unless the headers given override them.</summary>
    public static Task<McpHttpResponse> PostAsync(this StreamableHttpHandler handler, string body, params (string Name, string Value)[] headers) =>
        handler.PostAsync(Encoding.UTF8.GetBytes(body), headers);

    public static Task<McpHttpResponse> PostAsync(this StreamableHttpHandler handler, byte[] body, params (string Name, string Value)[] headers)
    {
        var all = new List<(string, string)>();
        if (!headers.Any(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            all.Add(("Content-Type", "application/json"));
        }

        if (!headers.Any(h => h.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase)))
        {
            all.Add(("Accept", JsonAndSse));
        }

        all.AddRange(headers);
        return handler.SendAsync("POST", "/mcp", body, [.. all]);
    }

    /// <summary>A JSON-RPC request; <paramref name="paramsJson"/> is raw JSON or null for none.</summary>
    public static string Request(int id, string method, string? paramsJson = null) =>
        paramsJson is null
            ? $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}"}"""
            : $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{paramsJson}}}""";

    public static string CallTool(int id, string name, string argumentsJson) =>
        Request(id, "tools/call", $$"""{"name":"{{name}}","arguments":{{argumentsJson}}}""");

    /// <summary>
    /// A request in the stateless revision: params._meta carries the version and client capabilities,
    /// and the headers repeat the version, the method and (when given) the name.
    /// </summary>
    public static (string Body, (string Name, string Value)[] Headers) Stateless(
        int id, string method, string? paramsJson = null, string? name = null, string version = ProtocolVersions.V20260728, string? logLevel = null)
    {
        var parameters = paramsJson is null ? [] : JsonNode.Parse(paramsJson)!.AsObject();
        if (parameters["_meta"] is not JsonObject meta)
        {
            meta = [];
            parameters["_meta"] = meta;
        }

        meta[MetaKeys.ProtocolVersion] = version;
        meta[MetaKeys.ClientCapabilities] = new JsonObject();
        if (logLevel is not null)
        {
            meta[MetaKeys.LogLevel] = logLevel;
        }

        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };
        List<(string, string)> headers = [("MCP-Protocol-Version", version), ("Mcp-Method", method)];
        if (name is not null)
        {
            headers.Add(("Mcp-Name", name));
        }

        return (body.ToJsonString(), [.. headers]);
    }

    public static string Text(this McpHttpResponse response) => Encoding.UTF8.GetString(response.Body.Span);

    /// <summary>The body as JSON, after checking it is a plain JSON response.</summary>
    public static JsonElement Json(this McpHttpResponse response)
    {
        Assert.Null(response.EventStream);
        Assert.Equal("application/json", response.Header("Content-Type"));
        using var document = JsonDocument.Parse(response.Body);
        return document.RootElement.Clone();
    }

    /// <summary>Reads the whole event stream and returns the JSON of each <c>event: message</c> frame, in order.</summary>
    public static async Task<List<JsonElement>> SseMessagesAsync(this McpHttpResponse response)
    {
        Assert.Equal("text/event-stream", response.Header("Content-Type"));
        Assert.NotNull(response.EventStream);
        Assert.True(response.Body.IsEmpty);
        var text = new StringBuilder();
        await foreach (var chunk in response.EventStream)
        {
            text.Append(Encoding.UTF8.GetString(chunk.Span));
        }

        var messages = new List<JsonElement>();
        foreach (var frame in text.ToString().Split("\n\n"))
        {
            if (frame.Length == 0)
            {
                continue;
            }

            var lines = frame.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.Equal("event: message", lines[0]);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            using var document = JsonDocument.Parse(lines[1]["data: ".Length..]);
            messages.Add(document.RootElement.Clone());
        }

        Assert.EndsWith("\n\n", text.ToString(), StringComparison.Ordinal);
        return messages;
    }

    /// <summary>Asserts a 200 JSON answer to request <paramref name="id"/> and returns its result.</summary>
    public static JsonElement Result(this McpHttpResponse response, int id)
    {
        Assert.Equal(200, response.StatusCode);
        var json = response.Json();
        Assert.Equal("2.0", json.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, json.GetProperty("id").GetInt32());
        Assert.False(json.TryGetProperty("error", out var error), $"unexpected error: {error}");
        return json.GetProperty("result");
    }

    /// <summary>Asserts a JSON-RPC error with the given HTTP status and code, and returns the error object.</summary>
    public static JsonElement Error(this McpHttpResponse response, int status, int code)
    {
        Assert.Equal(status, response.StatusCode);
        var json = response.Json();
        Assert.Equal("2.0", json.GetProperty("jsonrpc").GetString());
        Assert.False(json.TryGetProperty("result", out _));
        var error = json.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error;
    }

    /// <summary>The error's id, which must be present (null when the request's id could not be read).</summary>
    public static JsonElement Id(this McpHttpResponse response) => response.Json().GetProperty("id");

    /// <summary>The first text content of a tool result.</summary>
    public static string FirstText(this JsonElement callToolResult)
    {
        var first = callToolResult.GetProperty("content")[0];
        Assert.Equal("text", first.GetProperty("type").GetString());
        return first.GetProperty("text").GetString()!;
    }

    /// <summary>The server still answers a valid tools/call after whatever the test sent before.</summary>
    public static async Task AssertStillServesAsync(this StreamableHttpHandler handler)
    {
        var response = await handler.PostAsync(CallTool(9001, "echo", """{"message":"still here"}"""), ("MCP-Protocol-Version", ProtocolVersions.V20250618));
        var result = response.Result(9001);
        Assert.Equal("still here", result.FirstText());
        Assert.False(result.TryGetProperty("isError", out _));
    }
}
