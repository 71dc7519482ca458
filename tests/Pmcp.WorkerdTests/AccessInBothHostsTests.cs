using System.Net;
using System.Text;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// <c>PMCP_AUTH_MODE = "access"</c> in workerd (<c>dotnet pmcp dev</c>) and natively (<c>dev --native</c>), with the
/// same results: a copy of tests/Workers/AuthWorker behind a Cloudflare Access team on loopback
/// (<see cref="FakeAccessTeam"/>, whose certs the Worker fetches with fetch() in workerd); eight users at once are
/// admitted as themselves, and requests without a good assertion are refused with 403.
/// </summary>
public sealed class AccessInBothHostsTests
{
    [Theory]
    [InlineData("workerd")]
    [InlineData("native")]
    public async Task AccessUsersAreCallersAndEverythingElseIsRefused(string host)
    {
        await using var team = await FakeAccessTeam.StartAsync();
        var copy = Path.Combine(RepoPaths.Root, "tests", "Workers", $".auth-access-{host}");
        await ProjectCopy.CreateAsync(Path.Combine(RepoPaths.Root, "tests", "Workers", "AuthWorker"), copy,
            $"PMCP_AUTH_MODE=access\nPMCP_ACCESS_TEAM_DOMAIN={team.Url}\nPMCP_ACCESS_AUD={team.Audience}\n");
        RunningWorker? worker = null;
        try
        {
            worker = await RunningWorker.StartAsync(WorkerdFixture.Environment, copy, host == "native" ? ["--native"] : []);
            using var http = new HttpClient();

            var users = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CallAsync(http, worker.McpUrl, team.Assertion($"user{i}@example.com"))));
            for (var i = 0; i < 8; i++)
            {
                Assert.True(users[i].Status == HttpStatusCode.OK, $"{users[i].Status} {users[i].Body}\n{worker.Output}");
                Assert.Contains($"user-user{i}||", users[i].Body, StringComparison.Ordinal);
            }

            Assert.Equal(1, team.Fetches);
            var other = JwtSigningKey.Rsa(team.Key.Kid);
            foreach (var (assertion, why) in new (string?, string)[]
            {
                (null, "no Cloudflare Access assertion"),
                (team.Assertion("eve@example.com", c => c["aud"] = new System.Text.Json.Nodes.JsonArray("another-app")), "another audience"),
                (team.Assertion("eve@example.com", c => c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()), "expired"),
                (team.Assertion("eve@example.com", key: other), "not signed by the team's keys"),
            })
            {
                var refused = await CallAsync(http, worker.McpUrl, assertion);
                Assert.True(refused.Status == HttpStatusCode.Forbidden, $"{why}: {refused.Status} {refused.Body}");
                Assert.Contains(why, refused.Body, StringComparison.Ordinal);
                if (assertion is not null)
                {
                    Assert.DoesNotContain(assertion.Split('.')[^1], refused.Body + worker.Output, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            await ProjectCopy.StopAsync(copy, worker);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> CallAsync(HttpClient http, string url, string? assertion)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        if (assertion is not null)
        {
            request.Headers.Add("Cf-Access-Jwt-Assertion", assertion);
        }

        using var answer = await http.SendAsync(request);
        return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
    }
}
