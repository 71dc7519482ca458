using System.Text;
using Pmcp.Http;
using Pmcp.Protocol;

namespace Pmcp.Tests;

/// <summary>Every HTTP status the Streamable HTTP endpoint answers with, and the headers that go with it.</summary>
public sealed class HttpStatusTests
{
    private static readonly string Ping = Http.Request(1, "ping");

    [Fact]
    public async Task HealthAnswersOk()
    {
        var handler = TestServer.Handler();

        var get = await handler.SendAsync("GET", "/health", default);
        Assert.Equal(200, get.StatusCode);
        Assert.Equal("OK", get.Text());
        Assert.StartsWith("text/plain", get.Header("Content-Type"), StringComparison.Ordinal);

        var head = await handler.SendAsync("HEAD", "/health", default);
        Assert.Equal(200, head.StatusCode);

        var post = await handler.SendAsync("POST", "/health", default);
        Assert.Equal(405, post.StatusCode);
        Assert.Equal("GET, HEAD", post.Header("Allow"));
    }

    [Fact]
    public async Task HealthPathCanBeTurnedOff()
    {
        var handler = TestServer.Handler(new StreamableHttpOptions { HealthPath = null });
        Assert.Equal(404, (await handler.SendAsync("GET", "/health", default)).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("POST", "/nope")]
    [InlineData("POST", "/mcp/")]
    [InlineData("POST", "/MCP")]
    public async Task UnknownPathIs404(string method, string path)
    {
        var handler = TestServer.Handler();
        var response = await handler.SendAsync(method, path, Encoding.UTF8.GetBytes(Ping), ("Content-Type", "application/json"), ("Accept", Http.JsonAndSse));
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("Not Found", response.Text());
        await handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    public async Task OtherMethodsOnMcpAre405WithAllow(string method)
    {
        var handler = TestServer.Handler();
        var response = await handler.SendAsync(method, "/mcp", default, ("Accept", "text/event-stream"));
        Assert.Equal(405, response.StatusCode);
        Assert.Equal("POST, OPTIONS", response.Header("Allow"));
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task PreflightFromAnAllowedOriginIs204WithCorsHeaders()
    {
        var options = new StreamableHttpOptions();
        options.AllowedOrigins.Add("https://app.example.com");
        var handler = TestServer.Handler(options);

        var response = await handler.SendAsync("OPTIONS", "/mcp", default,
            ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type, mcp-protocol-version"));

        Assert.Equal(204, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
        Assert.Equal("https://app.example.com", response.Header("Access-Control-Allow-Origin"));
        Assert.Equal("POST, OPTIONS", response.Header("Access-Control-Allow-Methods"));
        var allowed = response.Header("Access-Control-Allow-Headers")!.Split(',', StringSplitOptions.TrimEntries);
        foreach (var header in new[] { "Content-Type", "Accept", "Authorization", "MCP-Protocol-Version", "Mcp-Method", "Mcp-Name" })
        {
            Assert.Contains(header, allowed);
        }

        Assert.Equal("Origin", response.Header("Vary"));
        Assert.NotNull(response.Header("Access-Control-Max-Age"));
    }

    [Fact]
    public async Task PostFromAnAllowedOriginCarriesCorsHeaders()
    {
        var options = new StreamableHttpOptions();
        options.AllowedOrigins.Add("https://app.example.com");
        var handler = TestServer.Handler(options);

        var response = await handler.PostAsync(Ping, ("Origin", "https://app.example.com"));

        response.Result(1);
        Assert.Equal("https://app.example.com", response.Header("Access-Control-Allow-Origin"));
        Assert.Contains("MCP-Protocol-Version", response.Header("Access-Control-Expose-Headers"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestsWithoutOriginGetNoCorsHeaders()
    {
        var response = await TestServer.Handler().PostAsync(Ping);
        response.Result(1);
        Assert.Null(response.Header("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("OPTIONS")]
    [InlineData("GET")]
    public async Task ForeignOriginIs403(string method)
    {
        var options = new StreamableHttpOptions();
        options.AllowedOrigins.Add("https://app.example.com");
        var handler = TestServer.Handler(options);

        var response = await handler.SendAsync(method, "/mcp", Encoding.UTF8.GetBytes(Ping),
            ("Origin", "https://evil.example"), ("Host", "mcp.example.com"), ("Content-Type", "application/json"), ("Accept", Http.JsonAndSse));

        response.Error(403, McpErrorCodes.InvalidRequest);
        Assert.Null(response.Header("Access-Control-Allow-Origin"));
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task SameOriginIsAllowed()
    {
        var response = await TestServer.Handler().PostAsync(Ping, ("Origin", "https://mcp.example.com"), ("Host", "mcp.example.com"));
        response.Result(1);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8787")]
    [InlineData("localhost.evil.example:8787")]
    [InlineData("127.0.0.2:8787")]
    public async Task ForeignHostIs403WhenHostsAreRestrictedToLoopback(string host)
    {
        var handler = LoopbackHandler();
        var response = await handler.PostAsync(Ping, ("Host", host));
        response.Error(403, McpErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task MissingHostIs403WhenHostsAreRestricted()
    {
        var response = await LoopbackHandler().PostAsync(Ping);
        response.Error(403, McpErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData("localhost:8787")]
    [InlineData("127.0.0.1:8787")]
    [InlineData("LOCALHOST:8787")]
    [InlineData("localhost")]
    [InlineData("[::1]:8787")]
    public async Task LoopbackHostsAreAllowed(string host)
    {
        var handler = LoopbackHandler();
        var response = await handler.PostAsync(Ping, ("Host", host));
        response.Result(1);
    }

    [Theory]
    [InlineData("http://localhost:8787", 200)]
    [InlineData("http://127.0.0.1:3000", 200)]
    [InlineData("http://evil.example", 403)]
    [InlineData("null", 403)]
    public async Task OriginsOnLoopbackHostsAreAllowed(string origin, int status)
    {
        var response = await LoopbackHandler().PostAsync(Ping, ("Host", "localhost:8787"), ("Origin", origin));
        Assert.Equal(status, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/jsonx")]
    public async Task WrongContentTypeIs415(string contentType)
    {
        var handler = TestServer.Handler();
        var response = await handler.PostAsync(Ping, ("Content-Type", contentType));
        response.Error(415, McpErrorCodes.InvalidRequest);
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task MissingContentTypeIs415()
    {
        var handler = TestServer.Handler();
        var response = await handler.SendAsync("POST", "/mcp", Encoding.UTF8.GetBytes(Ping), ("Accept", Http.JsonAndSse));
        response.Error(415, McpErrorCodes.InvalidRequest);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task JsonContentTypeWithParametersIsAccepted(string contentType)
    {
        var response = await TestServer.Handler().PostAsync(Ping, ("Content-Type", contentType));
        response.Result(1);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("image/png, text/plain")]
    [InlineData("application/json;q=0, text/event-stream;q=0")]
    public async Task UnacceptableAcceptIs406(string accept)
    {
        var handler = TestServer.Handler();
        var response = await handler.PostAsync(Ping, ("Accept", accept));
        response.Error(406, McpErrorCodes.InvalidRequest);
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task BodyOverTheLimitIs413()
    {
        var handler = TestServer.Handler(new StreamableHttpOptions { MaxRequestBodyBytes = 256 });
        var body = Http.CallTool(1, "echo", $$"""{"message":"{{new string('x', 300)}}"}""");

        var response = await handler.PostAsync(body);

        var error = response.Error(413, McpErrorCodes.InvalidRequest);
        Assert.Contains("256", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task BodyAtTheLimitIsServed()
    {
        var body = Http.CallTool(1, "echo", """{"message":"fits"}""");
        var handler = TestServer.Handler(new StreamableHttpOptions { MaxRequestBodyBytes = Encoding.UTF8.GetByteCount(body) });
        Assert.Equal("fits", (await handler.PostAsync(body)).Result(1).FirstText());
    }

    [Fact]
    public async Task BodyRefusedByTheHostAs413IsAJsonRpcError()
    {
        var handler = TestServer.Handler();
        var request = new McpHttpRequest("POST", "/mcp", JsonHeaders().GetValueOrDefault,
            _ => throw new BodyRefusedException(413, "Payload Too Large: the limit is 10 bytes"));

        var response = await handler.HandleAsync(request);

        Assert.Equal("Payload Too Large: the limit is 10 bytes", response.Error(413, McpErrorCodes.InvalidRequest).GetProperty("message").GetString());
        await handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("POST", "/other", "localhost", null, "Bearer k", 404)]
    [InlineData("PUT", "/mcp", "localhost", null, "Bearer k", 405)]
    [InlineData("POST", "/mcp", "evil.example", null, "Bearer k", 403)]
    [InlineData("POST", "/mcp", "localhost", "https://evil.example", "Bearer k", 403)]
    [InlineData("POST", "/mcp", "localhost", null, null, 401)]
    [InlineData("POST", "/mcp", "localhost", null, "Bearer wrong", 401)]
    public async Task ARefusedRequestsBodyIsNeverRead(string method, string path, string host, string? origin, string? authorization, int status)
    {
        var handler = TestServer.Handler(new StreamableHttpOptions { ApiKey = "k", AllowedHosts = { "localhost" } });
        var headers = JsonHeaders();
        headers["Host"] = host;
        if (origin is not null)
        {
            headers["Origin"] = origin;
        }

        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        var reads = 0;
        var request = new McpHttpRequest(method, path, headers.GetValueOrDefault, _ =>
        {
            reads++;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(Ping));
        });

        var response = await handler.HandleAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(0, reads);
    }

    [Fact]
    public async Task AnAdmittedRequestsBodyIsReadOnce()
    {
        var handler = TestServer.Handler();
        var reads = 0;
        var request = new McpHttpRequest("POST", "/mcp", JsonHeaders().GetValueOrDefault, _ =>
        {
            reads++;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(Ping));
        });

        var response = await handler.HandleAsync(request);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(1, reads);
        Assert.Equal(Ping, Encoding.UTF8.GetString((await request.ReadBodyAsync()).Span));
        Assert.Equal(1, reads);
    }

    private static Dictionary<string, string> JsonHeaders() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Content-Type"] = "application/json",
        ["Accept"] = Http.JsonAndSse,
    };

    [Theory]
    [InlineData("1999-01-01")]
    [InlineData("2025-06-19")]
    [InlineData("latest")]
    public async Task UnsupportedProtocolVersionHeaderIs400(string version)
    {
        var handler = TestServer.Handler();
        var response = await handler.PostAsync(Ping, ("MCP-Protocol-Version", version));
        var error = response.Error(400, McpErrorCodes.InvalidRequest);
        Assert.Equal(1, response.Id().GetInt32());
        Assert.Equal(version, error.GetProperty("data").GetProperty("requested").GetString());
        Assert.Contains(ProtocolVersions.V20250618, error.GetProperty("data").GetProperty("supported").EnumerateArray().Select(v => v.GetString()));
        await handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(ProtocolVersions.V20241105)]
    [InlineData(ProtocolVersions.V20250326)]
    [InlineData(ProtocolVersions.V20250618)]
    [InlineData(ProtocolVersions.V20251125)]
    public async Task SupportedProtocolVersionHeadersAreServed(string version)
    {
        var response = await TestServer.Handler().PostAsync(Ping, ("MCP-Protocol-Version", version));
        Assert.Empty(response.Result(1).EnumerateObject());
    }

    [Fact]
    public async Task MissingApiKeyIs401WithChallenge()
    {
        var handler = ApiKeyHandler();
        var response = await handler.PostAsync(Ping);
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer s3cret-key-but-longer")]
    [InlineData("Basic czNjcmV0LWtleQ==")]
    [InlineData("s3cret-key")]
    public async Task WrongApiKeyIs401(string authorization)
    {
        var handler = ApiKeyHandler();
        var response = await handler.PostAsync(Ping, ("Authorization", authorization));
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("Bearer s3cret-key")]
    [InlineData("bearer s3cret-key")]
    public async Task RightApiKeyIsServed(string authorization)
    {
        var handler = ApiKeyHandler();
        var response = await handler.PostAsync(Ping, ("Authorization", authorization));
        response.Result(1);
    }

    [Fact]
    public async Task PreflightNeedsNoApiKey()
    {
        // Browsers send preflights without credentials, so they must not be challenged.
        var options = new StreamableHttpOptions { ApiKey = "s3cret-key" };
        options.AllowedOrigins.Add("https://app.example.com");
        var response = await new StreamableHttpHandler(TestServer.Builder().Build(), options)
            .SendAsync("OPTIONS", "/mcp", default, ("Origin", "https://app.example.com"));
        Assert.Equal(204, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3,"reason":"bored"}}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/unknown-to-the-server"}""")]
    public async Task NotificationIs202WithEmptyBody(string notification)
    {
        var handler = TestServer.Handler();
        var response = await handler.PostAsync(notification);
        Assert.Equal(202, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
        Assert.Null(response.EventStream);
        await handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":5,"result":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"abc","error":{"code":-32601,"message":"no"}}""")]
    public async Task ClientResponseIs202(string message)
    {
        var handler = TestServer.Handler();
        var response = await handler.PostAsync(message);
        Assert.Equal(202, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
        await handler.AssertStillServesAsync();
    }

    private static StreamableHttpHandler LoopbackHandler()
    {
        var options = new StreamableHttpOptions();
        foreach (var host in StreamableHttpOptions.LoopbackHosts)
        {
            options.AllowedHosts.Add(host);
        }

        return TestServer.Handler(options);
    }

    private static StreamableHttpHandler ApiKeyHandler() => TestServer.Handler(new StreamableHttpOptions { ApiKey = "s3cret-key" });
}
