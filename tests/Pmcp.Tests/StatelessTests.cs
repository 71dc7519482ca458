using System.Text;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;

namespace Pmcp.Tests;

/// <summary>The stateless revision (2026-07-28): per-request _meta, Mcp-Method/Mcp-Name headers, server/discover.</summary>
public sealed class StatelessTests
{
    private readonly StreamableHttpHandler _handler = TestServer.Handler();

    private static string Base64Header(string value) => $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";

    [Fact]
    public async Task DiscoverDescribesTheServer()
    {
        var (body, headers) = Http.Stateless(1, "server/discover");

        var result = (await _handler.PostAsync(body, headers)).Result(1);

        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal(ProtocolVersions.All, result.GetProperty("supportedVersions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(60_000, result.GetProperty("ttlMs").GetInt32());
        Assert.Equal("public", result.GetProperty("cacheScope").GetString());
        Assert.Equal("Use the tools.", result.GetProperty("instructions").GetString());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("capabilities").GetProperty("tools").ValueKind);
        var serverInfo = result.GetProperty("_meta").GetProperty(MetaKeys.ServerInfo);
        Assert.Equal("test-server", serverInfo.GetProperty("name").GetString());
        Assert.Equal("1.2.3", serverInfo.GetProperty("version").GetString());
    }

    [Fact]
    public async Task ListsCarryCacheFields()
    {
        var (body, headers) = Http.Stateless(2, "tools/list");

        var result = (await _handler.PostAsync(body, headers)).Result(2);

        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal(7, result.GetProperty("tools").GetArrayLength());
        Assert.Equal(60_000, result.GetProperty("ttlMs").GetInt32());
        Assert.Equal("public", result.GetProperty("cacheScope").GetString());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("_meta").GetProperty(MetaKeys.ServerInfo).ValueKind);
    }

    [Fact]
    public async Task AToolsOwnMetaIsKeptBesideTheServersIdentityAndBothStayOutOfEarlierRevisions()
    {
        var meta = JsonDocument.Parse("""{"trace":"t-1","io.modelcontextprotocol/serverInfo":{"name":"spoofed","version":"0"}}""").RootElement;
        var server = TestServer.Builder()
            .Tool(new Tool { Name = "with_meta", InputSchema = JsonDocument.Parse("""{"type":"object"}""").RootElement }, (_, _) => ValueTask.FromResult(new CallToolResult { Content = [new TextContent("ok")], Meta = meta }))
            .Build();
        var handler = new StreamableHttpHandler(server);

        var (body, headers) = Http.Stateless(5, "tools/call", """{"name":"with_meta","arguments":{}}""", name: "with_meta");
        var result = (await handler.PostAsync(body, headers)).Result(5);

        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal("t-1", result.GetProperty("_meta").GetProperty("trace").GetString());
        Assert.Equal("test-server", result.GetProperty("_meta").GetProperty(MetaKeys.ServerInfo).GetProperty("name").GetString());
        Assert.Single(result.EnumerateObject(), p => p.Name == "resultType");

        var legacy = (await handler.PostAsync(Http.CallTool(6, "with_meta", "{}"), ("MCP-Protocol-Version", ProtocolVersions.V20250618))).Result(6);
        Assert.False(legacy.TryGetProperty("resultType", out _));
        Assert.Equal("spoofed", legacy.GetProperty("_meta").GetProperty(MetaKeys.ServerInfo).GetProperty("name").GetString());
    }

    [Fact]
    public async Task ToolsCallWorksAndHasResultType()
    {
        var (body, headers) = Http.Stateless(3, "tools/call", """{"name":"echo","arguments":{"message":"stateless"}}""", name: "echo");

        var response = await _handler.PostAsync(body, headers);

        var result = response.Result(3);
        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.Equal("stateless", result.FirstText());
        Assert.False(result.TryGetProperty("ttlMs", out _));
        Assert.False(result.TryGetProperty("cacheScope", out _));
        Assert.Equal("test-server", result.GetProperty("_meta").GetProperty(MetaKeys.ServerInfo).GetProperty("name").GetString());
    }

    [Fact]
    public async Task ResourceReadIsPrivateAndUncached()
    {
        var (body, headers) = Http.Stateless(4, "resources/read", """{"uri":"test://static/readme"}""", name: "test://static/readme");

        var result = (await _handler.PostAsync(body, headers)).Result(4);

        Assert.Equal("hello from the readme", result.GetProperty("contents")[0].GetProperty("text").GetString());
        Assert.Equal(0, result.GetProperty("ttlMs").GetInt32());
        Assert.Equal("private", result.GetProperty("cacheScope").GetString());
    }

    [Fact]
    public async Task MissingMetaIsInvalidParams()
    {
        var body = Http.Request(5, "tools/list", "{}");

        var response = await _handler.PostAsync(body, ("MCP-Protocol-Version", ProtocolVersions.V20260728), ("Mcp-Method", "tools/list"));

        var error = response.Error(400, McpErrorCodes.InvalidParams);
        Assert.Contains(MetaKeys.ClientCapabilities, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, response.Id().GetInt32());
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}""")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":[]}}""")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728,"io.modelcontextprotocol/clientCapabilities":{}}}""")]
    [InlineData("""{"_meta":{"io.modelcontextprotocol/clientCapabilities":{}}}""")]
    public async Task IncompleteMetaIsInvalidParams(string parameters)
    {
        var response = await _handler.PostAsync(Http.Request(5, "tools/list", parameters),
            ("MCP-Protocol-Version", ProtocolVersions.V20260728), ("Mcp-Method", "tools/list"));

        response.Error(400, McpErrorCodes.InvalidParams);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task VersionHeaderThatDisagreesWithTheBodyIsHeaderMismatch()
    {
        var (body, _) = Http.Stateless(6, "tools/list");

        var response = await _handler.PostAsync(body, ("MCP-Protocol-Version", ProtocolVersions.V20251125), ("Mcp-Method", "tools/list"));

        var error = response.Error(400, McpErrorCodes.HeaderMismatch);
        Assert.Contains(ProtocolVersions.V20251125, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("MCP-Protocol-Version")]
    [InlineData("Mcp-Method")]
    [InlineData("Mcp-Name")]
    public async Task MissingHeaderIsHeaderMismatch(string missing)
    {
        var (body, headers) = Http.Stateless(7, "tools/call", """{"name":"echo","arguments":{"message":"x"}}""", name: "echo");

        var response = await _handler.PostAsync(body, [.. headers.Where(h => h.Name != missing)]);

        var error = response.Error(400, McpErrorCodes.HeaderMismatch);
        Assert.Contains(missing, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("Mcp-Method", "tools/list")]
    [InlineData("Mcp-Method", "TOOLS/CALL")]
    [InlineData("Mcp-Name", "add")]
    [InlineData("Mcp-Name", "Echo")]
    [InlineData("Mcp-Name", "=?base64?YWRk?=")]
    [InlineData("Mcp-Name", "=?base64?not base64?=")]
    public async Task HeaderThatDisagreesWithTheBodyIsHeaderMismatch(string header, string value)
    {
        var (body, headers) = Http.Stateless(8, "tools/call", """{"name":"echo","arguments":{"message":"x"}}""", name: "echo");

        var response = await _handler.PostAsync(body, [.. headers.Where(h => h.Name != header), (header, value)]);

        response.Error(400, McpErrorCodes.HeaderMismatch);
        Assert.Equal(8, response.Id().GetInt32());
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("=?base64?ZWNobw==?=")]
    [InlineData("  echo\t")]
    public async Task McpNameInBase64OrPaddedIsAccepted(string name)
    {
        var (body, headers) = Http.Stateless(9, "tools/call", """{"name":"echo","arguments":{"message":"b64"}}""", name: name);

        var result = (await _handler.PostAsync(body, headers)).Result(9);

        Assert.Equal("b64", result.FirstText());
    }

    [Fact]
    public async Task NonAsciiUriTravelsAsBase64()
    {
        const string uri = "test://template/café/data";
        var (body, headers) = Http.Stateless(10, "resources/read", $$"""{"uri":"{{uri}}"}""", name: Base64Header(uri));

        var result = (await _handler.PostAsync(body, headers)).Result(10);

        Assert.Equal("data for café", result.GetProperty("contents")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task UnsupportedVersionIsRefusedWithTheSupportedList()
    {
        var (body, headers) = Http.Stateless(11, "tools/list", version: "v999.0.0");

        var response = await _handler.PostAsync(body, headers);

        var error = response.Error(400, McpErrorCodes.UnsupportedProtocolVersion);
        var data = error.GetProperty("data");
        Assert.Equal("v999.0.0", data.GetProperty("requested").GetString());
        Assert.Contains(ProtocolVersions.V20260728, data.GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(11, response.Id().GetInt32());
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(ProtocolVersions.V20251125)]
    [InlineData(ProtocolVersions.V20250618)]
    public async Task LegacyVersionInStatelessMetaIsUnsupported(string version)
    {
        var (body, headers) = Http.Stateless(12, "tools/list", version: version);

        var response = await _handler.PostAsync(body, headers);

        response.Error(400, McpErrorCodes.UnsupportedProtocolVersion);
    }

    [Theory]
    [InlineData("initialize", """{"protocolVersion":"2026-07-28","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""")]
    [InlineData("ping", null)]
    [InlineData("logging/setLevel", """{"level":"info"}""")]
    [InlineData("resources/subscribe", """{"uri":"test://static/readme"}""")]
    [InlineData("no/such", null)]
    public async Task RemovedAndUnknownMethodsAre404MethodNotFound(string method, string? parameters)
    {
        var (body, headers) = Http.Stateless(13, method, parameters);

        var response = await _handler.PostAsync(body, headers);

        response.Error(404, McpErrorCodes.MethodNotFound);
        Assert.Equal(13, response.Id().GetInt32());
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task UnknownResourceIsInvalidParamsWithUri()
    {
        var (body, headers) = Http.Stateless(14, "resources/read", """{"uri":"test://nowhere"}""", name: "test://nowhere");

        var response = await _handler.PostAsync(body, headers);

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Equal("test://nowhere", error.GetProperty("data").GetProperty("uri").GetString());
    }

    [Fact]
    public async Task BadToolArgumentsAreToolErrors()
    {
        var (body, headers) = Http.Stateless(15, "tools/call", """{"name":"add","arguments":{"a":1}}""", name: "add");

        var result = (await _handler.PostAsync(body, headers)).Result(15);

        Assert.Equal("complete", result.GetProperty("resultType").GetString());
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains("'b'", result.FirstText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotificationIs202()
    {
        var response = await _handler.PostAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""",
            ("MCP-Protocol-Version", ProtocolVersions.V20260728), ("Mcp-Method", "notifications/cancelled"));

        Assert.Equal(202, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
    }

    [Fact]
    public async Task NotificationWithWrongMethodHeaderIsHeaderMismatch()
    {
        var response = await _handler.PostAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}""",
            ("MCP-Protocol-Version", ProtocolVersions.V20260728), ("Mcp-Method", "notifications/progress"));

        response.Error(400, McpErrorCodes.HeaderMismatch);
    }

    [Fact]
    public async Task ClientResponsesAreInvalid()
    {
        var response = await _handler.PostAsync("""{"jsonrpc":"2.0","id":3,"result":{}}""", ("MCP-Protocol-Version", ProtocolVersions.V20260728));

        response.Error(400, McpErrorCodes.InvalidRequest);
        Assert.Equal(3, response.Id().GetInt32());
    }

    [Fact]
    public async Task LogLevelInMetaTurnsOnLogNotifications()
    {
        var (body, headers) = Http.Stateless(16, "tools/call", """{"name":"work","arguments":{"steps":1},"_meta":{"progressToken":"t"}}""", name: "work", logLevel: "info");

        var messages = await (await _handler.PostAsync(body, headers)).SseMessagesAsync();

        Assert.Equal(["notifications/progress", "notifications/message", null], messages.Select(m => m.TryGetProperty("method", out var x) ? x.GetString() : null));
        Assert.Equal("complete", messages[^1].GetProperty("result").GetProperty("resultType").GetString());
    }

    [Fact]
    public async Task WithoutLogLevelNoLogsAreSent()
    {
        var (body, headers) = Http.Stateless(17, "tools/call", """{"name":"work","arguments":{"steps":1},"_meta":{"progressToken":"t"}}""", name: "work");

        var messages = await (await _handler.PostAsync(body, headers)).SseMessagesAsync();

        Assert.Equal(["notifications/progress", null], messages.Select(m => m.TryGetProperty("method", out var x) ? x.GetString() : null));
    }

    [Fact]
    public async Task BadLogLevelInMetaIsInvalidParams()
    {
        var (body, headers) = Http.Stateless(18, "tools/list", logLevel: "loud");

        var response = await _handler.PostAsync(body, headers);

        response.Error(400, McpErrorCodes.InvalidParams);
    }
}
