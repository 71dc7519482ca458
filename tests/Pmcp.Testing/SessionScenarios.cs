using System.Net;
using System.Text.Json.Nodes;

namespace Pmcp.Testing;

/// <summary>
/// What sessions must do, against the Conformance sample with sessions on, run alike in both hosts: the lifecycle with
/// its refusals, resumption with <c>Last-Event-ID</c>, and concurrent sessions that do not hear each other.
/// </summary>
public static class SessionScenarios
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    /// <summary>initialize → subscribe → an update on the GET stream → unsubscribe → DELETE, with every refusal on the way.</summary>
    public static async Task LifecycleAsync(HttpClient http, string mcpUrl)
    {
        var client = new SessionClient(http, mcpUrl);
        var initialize = await client.InitializeAsync();
        Assert.True(initialize["capabilities"]!["resources"]!["subscribe"]!.GetValue<bool>(), "a session's initialize advertises resources.subscribe");
        Assert.Matches("^[A-Za-z0-9_-]{22,}$", client.SessionId!);

        using (var missing = await client.SendAsync(HttpMethod.Post, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", withSession: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("Mcp-Session-Id", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var forged = await client.SendAsync(HttpMethod.Post, """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", sessionId: "forged-" + Guid.NewGuid().ToString("N")))
        {
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        }

        using (var forgedStream = await client.SendAsync(HttpMethod.Get, null, sessionId: "AAAAAAAAAAAAAAAAAAAAAA"))
        {
            Assert.Equal(HttpStatusCode.NotFound, forgedStream.StatusCode);
        }

        using (var garbage = await client.SendAsync(HttpMethod.Get, null, lastEventId: "not-an-id; -1"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
            Assert.Contains("Last-Event-ID", await garbage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var stream = await client.OpenStreamAsync())
        {
            Assert.Empty((await client.CallAsync(2, "resources/subscribe", """{"uri":"test://watched-resource"}"""))["result"]!.AsObject());
            Assert.Contains("1 session(s)", await UpdateAsync(client, 3, "test://watched-resource"), StringComparison.Ordinal);
            var (id, message) = (await stream.NextAsync(EventTimeout))!.Value;
            Assert.False(string.IsNullOrEmpty(id), "a standing stream's events carry ids (for Last-Event-ID)");
            Assert.Equal("notifications/resources/updated", message["method"]!.GetValue<string>());
            Assert.Equal("test://watched-resource", message["params"]!["uri"]!.GetValue<string>());

            Assert.Empty((await client.CallAsync(4, "resources/unsubscribe", """{"uri":"test://watched-resource"}"""))["result"]!.AsObject());
            Assert.Contains("0 session(s)", await UpdateAsync(client, 5, "test://watched-resource"), StringComparison.Ordinal);
        }

        using (var deleted = await client.SendAsync(HttpMethod.Delete, null))
        {
            Assert.True(deleted.IsSuccessStatusCode, $"DELETE: {(int)deleted.StatusCode}");
        }

        using (var again = await client.SendAsync(HttpMethod.Delete, null))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        using var after = await client.SendAsync(HttpMethod.Post, """{"jsonrpc":"2.0","id":6,"method":"tools/list"}""");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    /// <summary>Events sent while the stream was gone arrive on a new GET that names the last id it saw.</summary>
    public static async Task ResumeAsync(HttpClient http, string mcpUrl)
    {
        var client = new SessionClient(http, mcpUrl);
        await client.InitializeAsync();
        await client.CallAsync(1, "resources/subscribe", """{"uri":"test://resume/a"}""");
        string firstId;
        await using (var stream = await client.OpenStreamAsync())
        {
            await UpdateAsync(client, 2, "test://resume/a");
            firstId = (await stream.NextAsync(EventTimeout))!.Value.Id!;
        }

        await UpdateAsync(client, 3, "test://resume/a");
        await UpdateAsync(client, 4, "test://resume/a");
        await using (var resumed = await client.OpenStreamAsync(lastEventId: firstId))
        {
            var second = (await resumed.NextAsync(EventTimeout))!.Value;
            var third = (await resumed.NextAsync(EventTimeout))!.Value;
            Assert.True(Number(second.Id) > Number(firstId) && Number(third.Id) > Number(second.Id), $"ids {firstId}, {second.Id}, {third.Id}");
            Assert.Equal("test://resume/a", third.Message["params"]!["uri"]!.GetValue<string>());
        }

        using var deleted = await client.SendAsync(HttpMethod.Delete, null);
        Assert.True(deleted.IsSuccessStatusCode);
    }

    /// <summary>
    /// <paramref name="sessions"/> sessions at once, each subscribed to its own resource with its own stream: each hears
    /// its own updates and nobody else's.
    /// </summary>
    public static async Task ConcurrentSessionsAsync(HttpClient http, string mcpUrl, int sessions = 8)
    {
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async i =>
        {
            var client = new SessionClient(http, mcpUrl);
            await client.InitializeAsync();
            var uri = $"test://concurrent/{i}/{Guid.NewGuid():N}";
            await client.CallAsync(1, "resources/subscribe", $$"""{"uri":"{{uri}}"}""");
            await using var stream = await client.OpenStreamAsync();
            for (var round = 0; round < 3; round++)
            {
                Assert.Contains("1 session(s)", await UpdateAsync(client, 2 + round, uri), StringComparison.Ordinal);
                var (_, message) = (await stream.NextAsync(EventTimeout))!.Value;
                Assert.Equal(uri, message["params"]!["uri"]!.GetValue<string>());
            }

            var list = await client.CallAsync(9, "tools/list", "{}");
            Assert.NotEmpty(list["result"]!["tools"]!.AsArray());
            using var deleted = await client.SendAsync(HttpMethod.Delete, null);
            Assert.True(deleted.IsSuccessStatusCode);
        }));
    }

    private static long Number(string? id) => long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> UpdateAsync(SessionClient client, int id, string uri)
    {
        var answer = await client.CallAsync(id, "tools/call", $$$"""{"name":"test_update_resource","arguments":{"uri":"{{{uri}}}"}}""");
        return answer["result"]!["content"]![0]!["text"]!.GetValue<string>();
    }
}
