using System.Text;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Server;

namespace Pmcp.Tests;

/// <summary>Sessions in the engine (<see cref="StreamableHttpOptions.Sessions"/>): what stays stateless, the caller binding, the bounds and expiry.</summary>
public sealed class SessionTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    private static StreamableHttpHandler Handler(McpSessionOptions? sessions = null, IMcpAuthenticator? authenticator = null) =>
        TestServer.Handler(new StreamableHttpOptions { Sessions = sessions ?? new McpSessionOptions(), Authenticator = authenticator });

    private static async Task<string> OpenAsync(StreamableHttpHandler handler, params (string Name, string Value)[] headers)
    {
        var response = await handler.PostAsync(Initialize, headers);
        Assert.Equal(200, response.StatusCode);
        return response.Header("Mcp-Session-Id")!;
    }

    [Fact]
    public async Task WithoutSessionsNothingChanges()
    {
        var handler = TestServer.Handler();
        var initialize = await handler.PostAsync(Initialize);
        Assert.Null(initialize.Header("Mcp-Session-Id"));
        Assert.DoesNotContain("\"subscribe\":true", Encoding.UTF8.GetString(initialize.Body.Span), StringComparison.Ordinal);
        Assert.Equal(405, (await handler.SendAsync("GET", "/mcp", default, ("Accept", "text/event-stream"))).StatusCode);
        var subscribe = await handler.PostAsync(Http.Request(1, "resources/subscribe", """{"uri":"test://static/readme"}"""));
        subscribe.Error(200, -32601);
    }

    [Fact]
    public async Task ASessionNegotiatesItsVersionAndAdvertisesSubscriptions()
    {
        var handler = Handler();
        var initialize = await handler.PostAsync(Initialize);
        var id = initialize.Header("Mcp-Session-Id")!;
        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.Contains("\"subscribe\":true", Encoding.UTF8.GetString(initialize.Body.Span), StringComparison.Ordinal);
        Assert.NotEqual(id, await OpenAsync(handler));

        // No MCP-Protocol-Version header: the session's revision (2025-06-18), not the default 2025-03-26, so the
        // 2025-06-18 header rule applies to nothing here; the request is simply served.
        var ping = await handler.PostAsync(Http.Request(1, "ping"), ("Mcp-Session-Id", id));
        Assert.Equal(200, ping.StatusCode);
    }

    [Fact]
    public async Task StatelessRequestsNeedNoSession()
    {
        var handler = Handler();
        var (body, headers) = Http.Stateless(1, "tools/list");
        var response = await handler.PostAsync(body, headers);
        Assert.Equal(200, response.StatusCode);
        Assert.True(response.Result(1).GetProperty("tools").GetArrayLength() > 0);
    }

    [Fact]
    public async Task ASessionBelongsToTheCallerWhoOpenedIt()
    {
        var handler = Handler(authenticator: new SubjectAuthenticator());
        var id = await OpenAsync(handler, ("Authorization", "Bearer ada"));

        Assert.Equal(200, (await handler.PostAsync(Http.Request(1, "ping"), ("Authorization", "Bearer ada"), ("Mcp-Session-Id", id))).StatusCode);
        Assert.Equal(404, (await handler.PostAsync(Http.Request(2, "ping"), ("Authorization", "Bearer eve"), ("Mcp-Session-Id", id))).StatusCode);
        Assert.Equal(404, (await handler.SendAsync("DELETE", "/mcp", default, ("Authorization", "Bearer eve"), ("Mcp-Session-Id", id))).StatusCode);
        Assert.Equal(404, (await handler.SendAsync("GET", "/mcp", default, ("Authorization", "Bearer eve"), ("Accept", "text/event-stream"), ("Mcp-Session-Id", id))).StatusCode);
        Assert.Equal(204, (await handler.SendAsync("DELETE", "/mcp", default, ("Authorization", "Bearer ada"), ("Mcp-Session-Id", id))).StatusCode);
    }

    [Fact]
    public async Task AnIdleSessionExpires()
    {
        var handler = Handler(new McpSessionOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) });
        var id = await OpenAsync(handler);
        await Task.Delay(500);
        Assert.Equal(404, (await handler.PostAsync(Http.Request(1, "ping"), ("Mcp-Session-Id", id))).StatusCode);
    }

    [Fact]
    public async Task SessionsAndSubscriptionsAreBounded()
    {
        var handler = Handler(new McpSessionOptions { MaxSessions = 2, MaxSubscriptions = 1 });
        var id = await OpenAsync(handler);
        await OpenAsync(handler);
        var third = await handler.PostAsync(Initialize);
        Assert.Equal(503, third.StatusCode);
        Assert.Null(third.Header("Mcp-Session-Id"));

        var first = await handler.PostAsync(Http.Request(1, "resources/subscribe", """{"uri":"test://a"}"""), ("Mcp-Session-Id", id));
        Assert.Equal(JsonValueKind.Object, first.Result(1).ValueKind);
        var second = await handler.PostAsync(Http.Request(2, "resources/subscribe", """{"uri":"test://b"}"""), ("Mcp-Session-Id", id));
        second.Error(200, -32602);
    }

    [Fact]
    public async Task OnlyTheNewestEventsAreKeptForResumption()
    {
        var log = new SessionEventLog(maxEvents: 3, maxBytes: 1 << 20);
        for (var i = 1; i <= 10; i++)
        {
            log.Append(Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var (reader, after) = log.TakeOver(lastEventId: 0);
        var (events, _, ended) = log.Read(reader, after);
        Assert.False(ended);
        Assert.Equal([8L, 9L, 10L], events.Select(e => e.Id));

        // A second reader takes the stream over; the first one ends.
        var (newer, _) = log.TakeOver(lastEventId: 9);
        Assert.True(log.Read(reader, 10).Ended);
        Assert.Equal([10L], log.Read(newer, 9).Events.Select(e => e.Id));
    }

    /// <summary>Admits <c>Bearer NAME</c> as the caller NAME.</summary>
    private sealed class SubjectAuthenticator : IMcpAuthenticator
    {
        public ValueTask<McpAuthentication> AuthenticateAsync(McpHttpRequest request) =>
            ValueTask.FromResult(request.Header("Authorization") is { } value && value.StartsWith("Bearer ", StringComparison.Ordinal)
                ? McpAuthentication.Success(new McpCaller(value[7..], ["mcp"]))
                : McpAuthentication.Refuse(401, "Bearer", "Unauthorized"));

        public string InsufficientScopeChallenge(IReadOnlyCollection<string> scopes) => "Bearer error=\"insufficient_scope\"";
    }
}
