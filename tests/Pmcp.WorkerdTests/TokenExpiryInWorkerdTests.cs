using System.Globalization;
using System.Net;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The built-in authorization server's access tokens in workerd with a lifetime of 2 s
/// (<c>PMCP_OAUTH_ACCESS_TOKEN_TTL</c>): a token past it is refused with 401 and the challenge naming the metadata,
/// and the refresh token gives a working one (eight calls at once with it).
/// </summary>
public sealed class TokenExpiryInWorkerdTests
{
    [Fact]
    public async Task AnExpiredAccessTokenIsRefusedAndTheRefreshTokenGivesANewOne()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var copy = Path.Combine(RepoPaths.Root, "tests", "Workers", ".auth-expiry-workerd");
        var port = WorkerdFixture.FreePort();
        var resource = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/mcp");
        await ProjectCopy.CreateAsync(Path.Combine(RepoPaths.Root, "tests", "Workers", "AuthWorker"), copy,
            $"PMCP_AUTH_MODE=oauth\nPMCP_OAUTH_SERVER=built-in\nPMCP_OAUTH_RESOURCE={resource}\nPMCP_OAUTH_SCOPES=mcp\nPMCP_OAUTH_ACCESS_TOKEN_TTL=2\n"
            + $"PMCP_OAUTH_UPSTREAM=oidc\nPMCP_OAUTH_UPSTREAM_URL={upstream.Url}\nPMCP_OAUTH_UPSTREAM_CLIENT_ID={upstream.ClientId}\nPMCP_OAUTH_UPSTREAM_CLIENT_SECRET={upstream.ClientSecret}\n");
        RunningWorker? worker = null;
        try
        {
            worker = await RunningWorker.StartOnPortAsync(WorkerdFixture.Environment, copy, port);
            using var agent = new ScriptedUserAgent(new Uri(resource).GetLeftPart(UriPartial.Authority));
            var client = await agent.RegisterAsync("http://127.0.0.1:9/cb");
            var (verifier, challenge) = ScriptedUserAgent.Pkce();
            var code = await agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
            var issued = await agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", verifier));
            Assert.Equal(HttpStatusCode.OK, issued.Status);
            Assert.Equal(2, issued.Body["expires_in"]!.GetValue<int>());
            var access = issued.Body["access_token"]!.GetValue<string>();

            await Task.Delay(TimeSpan.FromSeconds(3.5));
            var (expired, _, expiredChallenge) = await agent.CallToolAsync(resource, access);
            Assert.Equal(HttpStatusCode.Unauthorized, expired);
            Assert.Contains("error=\"invalid_token\"", expiredChallenge, StringComparison.Ordinal);
            Assert.Contains($"resource_metadata=\"{agent.Issuer}/.well-known/oauth-protected-resource/mcp\"", expiredChallenge, StringComparison.Ordinal);

            var refreshed = await agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", issued.Body["refresh_token"]!.GetValue<string>()), ("client_id", client));
            Assert.Equal(HttpStatusCode.OK, refreshed.Status);
            var fresh = refreshed.Body["access_token"]!.GetValue<string>();
            var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => agent.CallToolAsync(resource, fresh)));
            Assert.All(calls, c => Assert.True(c.Status == HttpStatusCode.OK && c.Body.Contains("oidc-ada|mcp|" + client, StringComparison.Ordinal), $"{c.Status} {c.Challenge} {c.Body}"));
            Assert.DoesNotContain(access, worker.Output, StringComparison.Ordinal);
        }
        finally
        {
            await ProjectCopy.StopAsync(copy, worker);
        }
    }
}
