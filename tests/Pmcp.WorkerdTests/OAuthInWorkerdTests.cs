using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The OAuth resource server inside workerd: <c>dotnet pmcp dev tests/Workers/AuthWorker</c> (a copy, with
/// <c>PMCP_AUTH_MODE = "oauth"</c> in its .dev.vars) pointed at a fake authorization server on 127.0.0.1. The Worker
/// fetches the issuer's metadata and keys with <c>HttpClient</c> over the request's own <c>fetch()</c>, verifies RS256,
/// ES256 and EdDSA tokens with WebCrypto, and each of many concurrent calls runs as its own caller.
/// </summary>
public sealed class OAuthInWorkerdTests(OAuthWorkerFixture fixture) : IClassFixture<OAuthWorkerFixture>, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, string? Challenge, string Body)> CallAsync(string tool, string arguments, string? token, int id = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.Worker.McpUrl)
        {
            Content = new StringContent($$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{arguments}}}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SixteenConcurrentCallsWithTokensOfEachAlgorithmAllPassAndEachSeesItsOwnCaller()
    {
        var issuer = fixture.Issuer;
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            CallAsync("whoami", "{}", issuer.Mint(OAuthWorkerFixture.Resource, $"user-{i}", $"mcp s{i}", keyIndex: i % 3), id: i)));

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].Status == HttpStatusCode.OK, $"call {i} (key {i % 3}): {results[i].Status} {results[i].Challenge} {results[i].Body}\n{fixture.Worker.Output}");
            var text = JsonDocument.Parse(results[i].Body).RootElement.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString();
            Assert.Equal($"user-{i}|mcp s{i}|test-client", text);
        }

        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", fixture.Worker.Output, StringComparison.Ordinal);
        Assert.InRange(issuer.JwksFetches, 1, 2); // once per isolate, and wrangler dev may have started a second one
    }

    [Fact]
    public async Task RefusalsCarryTheChallengeAndNoPartOfTheToken()
    {
        var issuer = fixture.Issuer;
        var metadata = "resource_metadata=\"https://auth-worker.test/.well-known/oauth-protected-resource/mcp\"";

        var none = await CallAsync("whoami", "{}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal($"Bearer scope=\"mcp\", {metadata}", none.Challenge);

        var forged = issuer.Mint(OAuthWorkerFixture.Resource, "ada", "mcp", keyIndex: 1, change: c => c["sub"] = "admin");
        var parts = forged.Split('.');
        var tampered = $"{parts[0]}.{issuer.Mint(OAuthWorkerFixture.Resource, "eve", "mcp", keyIndex: 1).Split('.')[1]}.{parts[2]}";
        var bad = await CallAsync("whoami", "{}", tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
        Assert.Contains("error=\"invalid_token\"", bad.Challenge, StringComparison.Ordinal);

        var expired = await CallAsync("whoami", "{}", issuer.Mint(OAuthWorkerFixture.Resource, "ada", "mcp", keyIndex: 2, change: c => c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Contains("error=\"invalid_token\"", expired.Challenge, StringComparison.Ordinal);
        Assert.Contains(metadata, expired.Challenge, StringComparison.Ordinal);

        var stepUp = await CallAsync("write_note", """{"text":"hi"}""", issuer.Mint(OAuthWorkerFixture.Resource, "ada", "mcp"));
        Assert.Equal(HttpStatusCode.Forbidden, stepUp.Status);
        Assert.Contains("error=\"insufficient_scope\"", stepUp.Challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"mcp notes:write\"", stepUp.Challenge, StringComparison.Ordinal);

        var written = await CallAsync("write_note", """{"text":"hi"}""", issuer.Mint(OAuthWorkerFixture.Resource, "ada", "mcp notes:write"));
        Assert.Equal(HttpStatusCode.OK, written.Status);
        Assert.Contains("wrote hi", written.Body, StringComparison.Ordinal);

        Assert.DoesNotContain(parts[2], fixture.Worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProtectedResourceMetadataIsServedAtBothWellKnownPaths()
    {
        foreach (var path in new[] { "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp" })
        {
            using var response = await _http.GetAsync(fixture.Worker.BaseAddress + path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(OAuthWorkerFixture.Resource, json.RootElement.GetProperty("resource").GetString());
            Assert.Equal(fixture.Issuer.Issuer, json.RootElement.GetProperty("authorization_servers")[0].GetString());
        }
    }
}

/// <summary>The fake issuer, and a copy of tests/Workers/AuthWorker served by <c>dotnet pmcp dev</c> as its resource server.</summary>
public sealed class OAuthWorkerFixture : IAsyncLifetime
{
    public const string Resource = "https://auth-worker.test/mcp";

    private readonly string _copy = Path.Combine(RepoPaths.Root, "tests", "Workers", ".auth-workerd");

    public FakeIssuer Issuer { get; private set; } = null!;

    public RunningWorker Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await FakeIssuer.StartAsync();
        await ProjectCopy.CreateAsync(Path.Combine(RepoPaths.Root, "tests", "Workers", "AuthWorker"), _copy,
            $"PMCP_AUTH_MODE=oauth\nPMCP_OAUTH_ISSUER={Issuer.Issuer}\nPMCP_OAUTH_RESOURCE={Resource}\nPMCP_OAUTH_SCOPES=mcp\n");
        Worker = await RunningWorker.StartAsync(_copy);
    }

    public async Task DisposeAsync()
    {
        await ProjectCopy.StopAsync(_copy, Worker);
        await Issuer.DisposeAsync();
    }
}
