using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Conformance;
using HelloWorld;
using Pmcp.Testing;

namespace Pmcp.IntegrationTests;

/// <summary>Raw HTTP against real Kestrel: every status the endpoint promises, malformed bodies, and the server still serving.</summary>
public sealed class RawHttpTests : IAsyncLifetime, IDisposable
{
    private const string Echo = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"message":"alive"}}}""";
    private NativeServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await NativeServer.StartAsync(HelloWorldServer.CreateServer(), o => o.Vars["PMCP_MAX_BODY_BYTES"] = "65536");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("GET", "/health", 200)]
    [InlineData("GET", "/nowhere", 404)]
    [InlineData("GET", "/mcp", 405)]
    [InlineData("DELETE", "/mcp", 405)]
    [InlineData("PUT", "/mcp", 405)]
    public async Task MethodsAndPaths(string method, string path, int status)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), _server.BaseAddress + path));
        Assert.Equal(status, (int)response.StatusCode);
        if (status == 405 && path == "/mcp")
        {
            Assert.Contains("POST", response.Content.Headers.Allow);
        }

        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("text/plain", "application/json, text/event-stream", 415)]
    [InlineData(null, "application/json, text/event-stream", 415)]
    [InlineData("application/json", "text/html", 406)]
    [InlineData("application/json; charset=utf-8", "application/json", 200)]
    public async Task ContentNegotiation(string? contentType, string accept, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.McpUrl) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Echo)) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task OversizedBodiesAre413WhetherDeclaredOrChunked()
    {
        var big = EchoCall(1, new string('x', 100_000));
        using var declared = await PostAsync(big);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, _server.McpUrl)
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await _http.SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task ForeignHostOrOriginIs403()
    {
        using var rebinding = new HttpRequestMessage(HttpMethod.Post, _server.McpUrl) { Content = Json(Echo) };
        rebinding.Headers.Host = "evil.example.com";
        using var origin = new HttpRequestMessage(HttpMethod.Post, _server.McpUrl) { Content = Json(Echo) };
        origin.Headers.TryAddWithoutValidation("Origin", "https://evil.example.com");
        using var localOrigin = new HttpRequestMessage(HttpMethod.Post, _server.McpUrl) { Content = Json(Echo) };
        localOrigin.Headers.TryAddWithoutValidation("Origin", "http://localhost:5173");

        using var rebindingResponse = await _http.SendAsync(rebinding);
        using var originResponse = await _http.SendAsync(origin);
        using var localResponse = await _http.SendAsync(localOrigin);

        Assert.Equal(HttpStatusCode.Forbidden, rebindingResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, originResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, localResponse.StatusCode);
        Assert.Equal("http://localhost:5173", localResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task BrowserPreflightIsAnswered()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, _server.McpUrl);
        preflight.Headers.TryAddWithoutValidation("Origin", "http://localhost:6274");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        preflight.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type, mcp-protocol-version");

        using var response = await _http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("MCP-Protocol-Version", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/ca""", 400, -32700)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":42}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"ping"}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"echo"}""", 400, -32600)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}""", 200, -32602)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"no/such/method"}""", 200, -32601)]
    [InlineData("""[]""", 400, -32600)]
    [InlineData("""42""", 400, -32600)]
    public async Task MalformedBodiesGetTheRightJsonRpcError(string body, int status, int code)
    {
        using var response = await PostAsync(body);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, json["error"]!["code"]!.GetValue<int>());
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task InvalidUtf8AndDeepNestingAreParseErrors()
    {
        byte[] invalidUtf8 = [.. Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":" """), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}}")];
        var deep = new string('[', 10_000) + new string(']', 10_000);

        using var utf8 = await PostAsync(new ByteArrayContent(invalidUtf8));
        using var nested = await PostAsync(deep);

        foreach (var response in new[] { utf8, nested })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(-32700, error["error"]!["code"]!.GetValue<int>());
            Assert.Null(error["id"]);
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task HugeIdsAreEchoedExactly()
    {
        using var response = await PostAsync("""{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}""");
        Assert.Contains("\"id\":123456789012345678901234567890", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotificationsAre202WithNoBody()
    {
        using var response = await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AClientThatHangsUpMidStreamLeavesTheServerHealthy()
    {
        await using var conformance = await NativeServer.StartAsync(ConformanceServer.CreateServer());
        for (var i = 0; i < 5; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, new Uri(conformance.BaseAddress).Port);
            var body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"test_tool_with_progress","_meta":{"progressToken":1}}}""";
            var request = $"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
            await socket.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request));
            var buffer = new byte[256];
            _ = await socket.GetStream().ReadAsync(buffer);
        }

        using var response = await _http.PostAsync(conformance.McpUrl, Json("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"test_simple_text"}}"""));
        Assert.Contains("This is a simple text response for testing.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyConcurrentClientsAreAllAnswered()
    {
        var calls = Enumerable.Range(0, 400).Select(async i =>
        {
            using var response = await PostAsync(EchoCall(i, $"m{i}"));
            return (i, await response.Content.ReadAsStringAsync());
        });

        foreach (var (i, body) in await Task.WhenAll(calls))
        {
            Assert.Contains($"\"text\":\"m{i}\"", body, StringComparison.Ordinal);
        }
    }

    private async Task AssertStillServesAsync()
    {
        using var response = await PostAsync(Echo);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"text\":\"alive\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(string body) => PostAsync(new ByteArrayContent(Encoding.UTF8.GetBytes(body)));

    private Task<HttpResponseMessage> PostAsync(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, _server.McpUrl) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        return _http.SendAsync(request);
    }

    private static string EchoCall(int id, string message) =>
        $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"echo","arguments":{"message":"{{message}}""" + "\"}}}";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
