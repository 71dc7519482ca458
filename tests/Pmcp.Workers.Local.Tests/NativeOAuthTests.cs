using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Pmcp.Server;
using Pmcp.Testing;
using Pmcp.Workers.Local.Hosting;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// The native host as an OAuth resource server, configured as a Worker is (<c>PMCP_AUTH_MODE = "oauth"</c> and the
/// issuer and resource vars), against a fake authorization server on Kestrel in this process: its metadata and key set
/// are fetched over HTTP, tokens signed by each of its RS256, ES256 and EdDSA keys are verified, and each of many
/// concurrent calls runs as its own caller.
/// </summary>
public sealed class NativeOAuthTests : IAsyncLifetime, IDisposable
{
    private const string Resource = "https://mcp.native.test/mcp";

    private FakeIssuer _issuer = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private string _base = null!;

    private static McpServer Server() => McpServer.CreateBuilder("oauth-native", "1.0.0")
        .Tool("whoami", "Who is calling", async context =>
        {
            await Task.Delay(20, context.CancellationToken);
            var caller = context.Caller!;
            return $"{caller.Subject}|{string.Join(' ', caller.Scopes.Order(StringComparer.Ordinal))}|{caller.Claim("client_id")}";
        })
        .Tool("write", "Needs notes:write", _ => ValueTask.FromResult("written"), new ToolOptions { RequiredScopes = ["notes:write"] })
        .Build();

    public async Task InitializeAsync()
    {
        _issuer = await FakeIssuer.StartAsync();
        var options = new NativeHostOptions { Port = 0 };
        options.Vars["PMCP_AUTH_MODE"] = "oauth";
        options.Vars["PMCP_OAUTH_ISSUER"] = _issuer.Issuer;
        options.Vars["PMCP_OAUTH_RESOURCE"] = Resource;
        options.Vars["PMCP_OAUTH_SCOPES"] = "mcp";
        _app = NativeMcpHost.Build(Server(), options);
        await _app.StartAsync();
        _base = NativeMcpHost.ListeningAddress(_app);
        _http = new HttpClient { BaseAddress = new Uri(_base), Timeout = TimeSpan.FromSeconds(60) };
    }

    public void Dispose() => _http?.Dispose();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string? Challenge, string Body)> CallAsync(string tool, string? token, int id = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(), await response.Content.ReadAsStringAsync());
    }

    private static string Text(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;

    [Fact]
    public async Task SixteenConcurrentCallsWithTokensOfEachAlgorithmAllPassAndEachSeesItsOwnCaller()
    {
        var calls = Enumerable.Range(0, 16).Select(i => CallAsync("whoami", _issuer.Mint(Resource, $"user-{i}", $"mcp s{i}", keyIndex: i % 3), id: i)).ToArray();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].Status == HttpStatusCode.OK, $"call {i} (key {i % 3}): {results[i].Status} {results[i].Challenge} {results[i].Body}");
            Assert.Equal($"user-{i}|mcp s{i}|test-client", Text(results[i].Body));
        }

        // One fetch of the key set served every request; the metadata told where it is.
        Assert.Equal(1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task RefusalsCarryTheChallengeAClientFollows()
    {
        var metadata = $"resource_metadata=\"https://mcp.native.test/.well-known/oauth-protected-resource/mcp\"";

        var none = await CallAsync("whoami", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal($"Bearer scope=\"mcp\", {metadata}", none.Challenge);

        var expired = await CallAsync("whoami", _issuer.Mint(Resource, "ada", "mcp", change: c => c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Contains("error=\"invalid_token\"", expired.Challenge, StringComparison.Ordinal);
        Assert.Contains(metadata, expired.Challenge, StringComparison.Ordinal);

        var elsewhere = await CallAsync("whoami", _issuer.Mint("https://other.test/mcp", "ada", "mcp", keyIndex: 2));
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.Status);

        var lacking = await CallAsync("whoami", _issuer.Mint(Resource, "ada", "profile", keyIndex: 1));
        Assert.Equal(HttpStatusCode.Forbidden, lacking.Status);
        Assert.StartsWith("Bearer error=\"insufficient_scope\"", lacking.Challenge, StringComparison.Ordinal);

        var stepUp = await CallAsync("write", _issuer.Mint(Resource, "ada", "mcp"));
        Assert.Equal(HttpStatusCode.Forbidden, stepUp.Status);
        Assert.Contains("scope=\"mcp notes:write\"", stepUp.Challenge, StringComparison.Ordinal);
        Assert.Contains(metadata, stepUp.Challenge, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await CallAsync("write", _issuer.Mint(Resource, "ada", "mcp notes:write"))).Status);

        // The token in the URL is refused, whatever the header says.
        var token = _issuer.Mint(Resource, "ada", "mcp");
        using var query = new HttpRequestMessage(HttpMethod.Post, "/mcp?access_token=" + token)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", Encoding.UTF8, "application/json"),
        };
        query.Headers.Accept.ParseAdd("application/json, text/event-stream");
        query.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var queried = await _http.SendAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, queried.StatusCode);
        Assert.DoesNotContain(token, await queried.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProtectedResourceMetadataNamesTheIssuer()
    {
        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            using var response = await _http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(Resource, json.RootElement.GetProperty("resource").GetString());
            Assert.Equal(_issuer.Issuer, json.RootElement.GetProperty("authorization_servers")[0].GetString());
            Assert.Equal("mcp", json.RootElement.GetProperty("scopes_supported")[0].GetString());
        }
    }
}
