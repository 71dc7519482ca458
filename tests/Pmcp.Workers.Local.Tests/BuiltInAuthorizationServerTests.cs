using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Pmcp.Server;
using Pmcp.Testing;
using Pmcp.Workers.Local.Bindings;
using Pmcp.Workers.Local.Hosting;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// The built-in authorization server in the native host, with grants in D1 (local SQLite) and users signing in at a
/// local OpenID Connect or GitHub-shaped provider (<see cref="FakeUpstream"/>): the official TypeScript client's whole
/// flow, and each refusal the OAuth 2.1 rules ask for.
/// </summary>
public sealed class BuiltInAuthorizationServerTests : IAsyncLifetime, IDisposable
{
    private const string Wrangler = """
        name = "signin"
        main = "build/worker/shim.mjs"

        [[d1_databases]]
        binding = "OAUTH_DB"
        database_name = "oauth"
        database_id = "local"
        """;

    private readonly TempFolder _project = new();
    private FakeUpstream _upstream = null!;
    private LocalEnvSource _env = null!;
    private WebApplication _app = null!;
    private ScriptedUserAgent _agent = null!;
    private string _resource = "";
    private bool _gitHub;
    private string? _accessTtl;

    public async Task InitializeAsync() => await StartAsync();

    private async Task StartAsync()
    {
        _upstream = await FakeUpstream.StartAsync(_gitHub);
        _project.Write(".pmcp/workers/wrangler.toml", Wrangler);
        _env = LocalEnvSource.Load(_project.Path);
        var port = FreePort();
        _resource = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/mcp");
        var options = new NativeHostOptions { Port = port, Env = new Env(_env) };
        options.Vars["PMCP_AUTH_MODE"] = "oauth";
        options.Vars["PMCP_OAUTH_SERVER"] = "built-in";
        options.Vars["PMCP_OAUTH_RESOURCE"] = _resource;
        options.Vars["PMCP_OAUTH_SCOPES"] = "mcp";
        options.Vars["PMCP_OAUTH_EXTRA_SCOPES"] = "notes:write";
        options.Vars["PMCP_OAUTH_UPSTREAM"] = _gitHub ? "github" : "oidc";
        options.Vars["PMCP_OAUTH_UPSTREAM_URL"] = _upstream.Url;
        options.Vars["PMCP_OAUTH_UPSTREAM_API_URL"] = _upstream.ApiUrl;
        options.Vars["PMCP_OAUTH_UPSTREAM_CLIENT_ID"] = _upstream.ClientId;
        options.Vars["PMCP_OAUTH_UPSTREAM_CLIENT_SECRET"] = _upstream.ClientSecret;
        if (_accessTtl is not null)
        {
            options.Vars["PMCP_OAUTH_ACCESS_TOKEN_TTL"] = _accessTtl;
        }

        var server = McpServer.CreateBuilder("signin", "1.0.0")
            .Tool("whoami", "Who is calling", async context =>
            {
                await Task.Delay(10, context.CancellationToken);
                return $"{context.Caller!.Subject}|{string.Join(' ', context.Caller.Scopes.Order(StringComparer.Ordinal))}|{context.Caller.Claim("preferred_username")}";
            })
            .Build();
        _app = NativeMcpHost.Build(server, options);
        await _app.StartAsync();
        _agent = new ScriptedUserAgent(new Uri(_resource).GetLeftPart(UriPartial.Authority));
    }

    public async Task DisposeAsync() => await StopAsync();

    public void Dispose()
    {
        _agent.Dispose();
        _project.Dispose();
    }

    private async Task StopAsync()
    {
        _agent.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _env.Dispose();
        await _upstream.DisposeAsync();
    }

    private async Task RestartAsync(bool gitHub = false, string? accessTtl = null)
    {
        await StopAsync();
        _gitHub = gitHub;
        _accessTtl = accessTtl;
        await StartAsync();
    }

    [Fact]
    public async Task TheOfficialClientSignsInRefreshesAndCallsATool()
    {
        var (exitCode, stdout, stderr) = await NodeTool.RunAsync("mcp-oauth-builtin-client.mjs", [_resource, "whoami"], TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"mcp-oauth-builtin-client.mjs exited {exitCode}\n{stdout}\n{stderr}");
        var output = JsonNode.Parse(stdout.TrimEnd().Split('\n')[^1])!.AsObject();
        Assert.True(output["error"] is null, $"the flow failed: {output["error"]}\n{output.ToJsonString()}\n{_upstream}");
        Assert.Equal(["unauthorized", "authorized", "token", "connected", "refreshed", "called after refresh"], output["steps"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(_agent.Issuer + "/authorize", output["authorization"]!["endpoint"]!.GetValue<string>());
        Assert.Equal("S256", output["authorization"]!["codeChallengeMethod"]!.GetValue<string>());
        Assert.Equal(_resource, output["authorization"]!["resource"]!.GetValue<string>());
        Assert.Equal([_upstream.Url + "/authorize", _agent.Issuer + "/callback", "http://127.0.0.1:9/callback"], output["hops"]!.AsArray().Select(h => h!.GetValue<string>()));
        Assert.True(output["consentShowsClient"]!.GetValue<bool>(), "the consent page names the client, HTML-encoded");
        Assert.Equal(_agent.Issuer, output["iss"]!.GetValue<string>());
        Assert.Equal("oidc-ada|mcp|ada", output["result"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("oidc-ada|mcp|ada", output["afterRefresh"]!["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(1, _upstream.SignIns);

        // Rotation: the first refresh token is dead; the second works once.
        var clientId = output["clientId"]!.GetValue<string>();
        var reused = await _agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", output["firstRefreshToken"]!.GetValue<string>()), ("client_id", clientId));
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("invalid_grant", reused.Body["error"]!.GetValue<string>());
        var (status, _, _) = await _agent.CallToolAsync(_resource, output["accessToken"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task ClientsSignInWithTheirMetadataDocumentsAndBadDocumentsAreRefused()
    {
        await using var documents = await ClientDocumentServer.StartAsync();

        await ClientMetadataDocumentScenario.RunAsync(_agent, _resource, documents);
    }

    [Fact]
    public async Task TheConformanceSuitesAuthorizationServerScenariosPass()
    {
        // The suite pinned in tests/e2e (0.1.x) has no authorization command; 0.2.0-alpha.12 does.
        if (!ConformanceAuthorization.HasAuthorizationCommand)
        {
            Assert.Fail("conformance authorization needs @modelcontextprotocol/conformance 0.2.0-alpha.12 or later in tests/e2e");
        }

        var (exitCode, output) = await ConformanceAuthorization.RunAsync(_agent, _resource);

        Assert.True(exitCode == 0, $"conformance authorization exited {exitCode}:\n{output}");
        Assert.Contains("✓ authorization-server-metadata-endpoint:", output, StringComparison.Ordinal);
        Assert.Contains("✓ authorization-code-grant: 1 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitHubSignsUsersInThroughItsApi()
    {
        await RestartAsync(gitHub: true);
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        var code = await _agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var (status, body) = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("redirect_uri", "http://127.0.0.1:9/cb"), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        var (called, text, _) = await _agent.CallToolAsync(_resource, body["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, called);
        Assert.Contains("github:4242|mcp|ada", text, StringComparison.Ordinal);
        Assert.Equal(1, _upstream.UserCalls);
    }

    [Fact]
    public async Task MetadataNamesEveryEndpointAndTheResourcePointsHere()
    {
        var metadata = JsonNode.Parse(await _agent.Http.GetStringAsync(_agent.Issuer + "/.well-known/oauth-authorization-server"))!;
        Assert.Equal(_agent.Issuer, metadata["issuer"]!.GetValue<string>());
        Assert.Equal(_agent.Issuer + "/token", metadata["token_endpoint"]!.GetValue<string>());
        Assert.Equal(_agent.Issuer + "/revoke", metadata["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal(["S256"], metadata["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        var resource = JsonNode.Parse(await _agent.Http.GetStringAsync(_agent.Issuer + "/.well-known/oauth-protected-resource/mcp"))!;
        Assert.Equal(_agent.Issuer, resource["authorization_servers"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task ACodeIsRedeemedOnceWithItsVerifier()
    {
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        var code = await _agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);

        var wrong = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", ScriptedUserAgent.Pkce().Verifier));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("invalid_grant", wrong.Body["error"]!.GetValue<string>());
        // A failed redemption spends the code: the right verifier is too late now.
        var late = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", verifier));
        Assert.Equal("invalid_grant", late.Body["error"]!.GetValue<string>());

        var second = await _agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var ok = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", second), ("client_id", client), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var replay = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", second), ("client_id", client), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal("invalid_grant", replay.Body["error"]!.GetValue<string>());
        var missing = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", second), ("client_id", client));
        Assert.Equal("invalid_request", missing.Body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task RedirectUrisAreMatchedExactlyAndErrorsBeforeThatAreNeverRedirected()
    {
        var (_, challenge) = ScriptedUserAgent.Pkce();
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb", "https://app.example.com/cb");

        foreach (var redirect in new[] { "https://evil.example.com/cb", "https://app.example.com/cb/../evil", "https://app.example.com/cb?x=1", "https://app.example.com.evil.com/cb", "http://127.0.0.1:9/cb2", "http://localhost:9/cb" })
        {
            using var answer = await _agent.Http.GetAsync(_agent.AuthorizeUrl(client, redirect, challenge));
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Null(answer.Headers.Location);
            Assert.Contains("text/html", answer.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        }

        using (var unknown = await _agent.Http.GetAsync(_agent.AuthorizeUrl("pmcp_client_nobody", "https://evil.example.com/cb", challenge)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Null(unknown.Headers.Location);
        }

        // A loopback redirect may use another port (RFC 8252 §7.3): native clients listen where they can.
        using (var loopback = await _agent.Http.GetAsync(_agent.AuthorizeUrl(client, "http://127.0.0.1:51234/cb", challenge)))
        {
            Assert.Equal(HttpStatusCode.Found, loopback.StatusCode);
            Assert.StartsWith(_upstream.Url, loopback.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        // Once the redirect URI is good, errors go back to it with the state.
        using var noPkce = await _agent.Http.GetAsync(_agent.Issuer + "/authorize?response_type=code&client_id=" + client + "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=xyz");
        Assert.Equal(HttpStatusCode.Found, noPkce.StatusCode);
        Assert.Equal("invalid_request", ScriptedUserAgent.Query(noPkce.Headers.Location!, "error"));
        Assert.Equal("xyz", ScriptedUserAgent.Query(noPkce.Headers.Location!, "state"));
        Assert.StartsWith("https://app.example.com/cb?", noPkce.Headers.Location!.ToString(), StringComparison.Ordinal);

        // Registration refuses redirect URIs that could run or leak anything.
        foreach (var bad in new[] { "javascript:alert(1)", "http://evil.example.com/cb", "https://app.example.com/cb#frag", "data:text/html,x", "/relative" })
        {
            var (status, body) = await RegisterRawAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_redirect_uri", body["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task TheConsentFormNeedsItsCookieAndIsUsedOnce()
    {
        var (_, challenge) = ScriptedUserAgent.Pkce();
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        var (request, csrf, cookie) = await _agent.ConsentFormAsync(_agent.AuthorizeUrl(client, "http://127.0.0.1:9/cb", challenge));

        // Posted from another site: no cookie, so refused with a page, not a redirect.
        using var forged = await _agent.Http.PostAsync(_agent.Issuer + "/consent", new FormUrlEncodedContent(new Dictionary<string, string> { ["request"] = request, ["csrf"] = csrf, ["decision"] = "allow" }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Null(forged.Headers.Location);

        async Task<HttpResponseMessage> PostAsync()
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, _agent.Issuer + "/consent")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["request"] = request, ["csrf"] = csrf, ["decision"] = "allow" }),
            };
            post.Headers.Add("Cookie", cookie);
            return await _agent.Http.SendAsync(post);
        }

        using var allowed = await PostAsync();
        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        Assert.NotNull(ScriptedUserAgent.Query(allowed.Headers.Location!, "code"));
        using var again = await PostAsync();
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        // Denied: back to the client with access_denied and the state.
        var denied = await _agent.SignInAsync(_agent.AuthorizeUrl(client, "http://127.0.0.1:9/cb", challenge, state: "st"), allow: false);
        Assert.Equal("access_denied", ScriptedUserAgent.Query(denied, "error"));
        Assert.Equal("st", ScriptedUserAgent.Query(denied, "state"));
    }

    [Fact]
    public async Task RevokedReusedExpiredAndQueryTokensAreRefused()
    {
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        var tokens = await RedeemAsync(client, verifier, challenge);
        var access = tokens["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await _agent.CallToolAsync(_resource, access)).Status);

        // In the query string: 400 invalid_request, even beside a good header.
        var (inQuery, _, queryChallenge) = await _agent.CallToolAsync(_resource + "?access_token=" + access, access);
        Assert.Equal(HttpStatusCode.BadRequest, inQuery);
        Assert.Contains("error=\"invalid_request\"", queryChallenge, StringComparison.Ordinal);

        // A made-up token.
        var (unknown, _, unknownChallenge) = await _agent.CallToolAsync(_resource, "pmcp_at_made-up");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
        Assert.Contains("error=\"invalid_token\"", unknownChallenge, StringComparison.Ordinal);
        Assert.Contains("resource_metadata=\"" + _agent.Issuer + "/.well-known/oauth-protected-resource/mcp\"", unknownChallenge, StringComparison.Ordinal);

        // Refresh rotation: the old refresh token is refused after use.
        var refresh = tokens["refresh_token"]!.GetValue<string>();
        var rotated = await _agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", client));
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var reused = await _agent.TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", client));
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.Equal("invalid_grant", reused.Body["error"]!.GetValue<string>());

        // Revoking the new refresh token ends the grant: its access tokens stop working.
        var newAccess = rotated.Body["access_token"]!.GetValue<string>();
        var revoked = await _agent.PostFormAsync("/revoke", ("token", rotated.Body["refresh_token"]!.GetValue<string>()), ("client_id", client));
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        var (afterRevoke, _, revokedChallenge) = await _agent.CallToolAsync(_resource, newAccess);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke);
        Assert.Contains("error=\"invalid_token\"", revokedChallenge, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _agent.CallToolAsync(_resource, access)).Status);
        // Revoking an unknown token is fine (RFC 7009 §2.2).
        Assert.Equal(HttpStatusCode.OK, (await _agent.PostFormAsync("/revoke", ("token", "nothing"))).Status);

        // Expired: a server whose tokens live one second.
        await RestartAsync(accessTtl: "1");
        client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        var shortLived = (await RedeemAsync(client, verifier, challenge))["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await _agent.CallToolAsync(_resource, shortLived)).Status);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var (expired, _, expiredChallenge) = await _agent.CallToolAsync(_resource, shortLived);
        Assert.Equal(HttpStatusCode.Unauthorized, expired);
        Assert.Contains("error=\"invalid_token\"", expiredChallenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EightConcurrentSignInsTokenExchangesAndCalls()
    {
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        var pairs = Enumerable.Range(0, 8).Select(_ => ScriptedUserAgent.Pkce()).ToArray();
        var codes = await Task.WhenAll(pairs.Select(p => _agent.CodeAsync(client, "http://127.0.0.1:9/cb", p.Challenge)));
        var answers = await Task.WhenAll(codes.Select((code, i) => _agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", pairs[i].Verifier))));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var tokens = answers.Select(a => a.Body["access_token"]!.GetValue<string>()).ToArray();
        Assert.Equal(8, tokens.Distinct().Count());

        var calls = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => _agent.CallToolAsync(_resource, tokens[i % 8])));
        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Status));
        Assert.All(calls, c => Assert.Contains("oidc-ada|mcp|ada", c.Body, StringComparison.Ordinal));

        // Eight racing redemptions of one code: exactly one wins.
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var contested = await _agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var race = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _agent.TokenAsync(("grant_type", "authorization_code"), ("code", contested), ("client_id", client), ("code_verifier", verifier))));
        Assert.Equal(1, race.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(7, race.Count(r => r.Body["error"]?.GetValue<string>() == "invalid_grant"));
    }

    [Fact]
    public async Task ScopesAreLimitedToWhatTheServerGrants()
    {
        var (verifier, challenge) = ScriptedUserAgent.Pkce();
        var client = await _agent.RegisterAsync("http://127.0.0.1:9/cb");
        using var unknown = await _agent.Http.GetAsync(_agent.AuthorizeUrl(client, "http://127.0.0.1:9/cb", challenge, scope: "admin"));
        Assert.Equal("invalid_scope", ScriptedUserAgent.Query(unknown.Headers.Location!, "error"));
        using var otherResource = await _agent.Http.GetAsync(_agent.AuthorizeUrl(client, "http://127.0.0.1:9/cb", challenge, resource: "https://other.example.com/mcp"));
        Assert.Equal("invalid_target", ScriptedUserAgent.Query(otherResource.Headers.Location!, "error"));

        var code = await _agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge, scope: "notes:write");
        var (status, body) = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("mcp notes:write", body["scope"]!.GetValue<string>());
    }

    private async Task<JsonObject> RedeemAsync(string client, string verifier, string challenge)
    {
        var code = await _agent.CodeAsync(client, "http://127.0.0.1:9/cb", challenge);
        var (status, body) = await _agent.TokenAsync(("grant_type", "authorization_code"), ("code", code), ("client_id", client), ("code_verifier", verifier), ("redirect_uri", "http://127.0.0.1:9/cb"));
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private async Task<(HttpStatusCode, JsonObject)> RegisterRawAsync(string redirect)
    {
        var json = new JsonObject { ["redirect_uris"] = new JsonArray(redirect) }.ToJsonString();
        using var answer = await _agent.Http.PostAsync(_agent.Issuer + "/register", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        return (answer.StatusCode, JsonNode.Parse(await answer.Content.ReadAsStringAsync())!.AsObject());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
