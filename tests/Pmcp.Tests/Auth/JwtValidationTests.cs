using System.Net;
using System.Text.Json.Nodes;
using Pmcp.Http;
using Pmcp.Testing;
using Pmcp.Workers.Auth;

namespace Pmcp.Tests.Auth;

/// <summary>
/// The resource server's checks of a JWT access token, with keys made in the test and an issuer in memory: what it
/// admits, what it refuses (401 invalid_token, 400 for a token in the query, 403 for a missing scope, 503 when the
/// keys cannot be fetched), and how often it fetches the issuer's keys.
/// </summary>
public sealed class JwtValidationTests : IDisposable
{
    private const string Resource = "https://mcp.test/mcp";
    private const string MetadataUrl = "https://mcp.test/.well-known/oauth-protected-resource/mcp";

    private static readonly JwtSigningKey Rs = JwtSigningKey.Rsa("rs-1");
    private static readonly JwtSigningKey Es = JwtSigningKey.Ec("es-1");

    private readonly TestIssuer _issuer = new(Rs, Es);
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);

    public void Dispose() => _issuer.Dispose();

    private OAuthResourceServer Server(params string[] scopes) =>
        new(new OAuthOptions { Issuer = TestIssuer.Issuer, Resource = Resource, Scopes = scopes }, _issuer.Client, _clock);

    private JsonObject Claims(string subject = "user-1", string scope = "mcp") =>
        JwtMinter.Claims(TestIssuer.Issuer, Resource, subject, scope, _clock.GetUtcNow());

    private static McpHttpRequest Request(string? authorization, string? query = null) =>
        new("POST", "/mcp", name => name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? authorization : null, ReadOnlyMemory<byte>.Empty) { Query = query };

    private static Task<McpAuthentication> AuthenticateAsync(OAuthResourceServer server, string token) =>
        server.AuthenticateAsync(Request("Bearer " + token)).AsTask();

    /// <summary>401 invalid_token with the metadata URL, and not a fragment of the token anywhere in the refusal.</summary>
    private static async Task AssertInvalidAsync(OAuthResourceServer server, string token, string because)
    {
        var outcome = await AuthenticateAsync(server, token);
        Assert.Null(outcome.Caller);
        Assert.Equal(401, outcome.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\", error_description=\"", outcome.Challenge, StringComparison.Ordinal);
        Assert.Contains($"resource_metadata=\"{MetadataUrl}\"", outcome.Challenge, StringComparison.Ordinal);
        Assert.Contains(because, outcome.Challenge, StringComparison.Ordinal);
        foreach (var part in token.Split('.').Where(p => p.Length >= 8))
        {
            Assert.DoesNotContain(part, outcome.Challenge, StringComparison.Ordinal);
            Assert.DoesNotContain(part, outcome.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public async Task ATokenSignedByAnIssuersKeyAdmitsItsCaller(string algorithm)
    {
        var key = algorithm == "RS256" ? Rs : Es;
        var outcome = await AuthenticateAsync(Server("mcp"), JwtMinter.Mint(key, Claims("ada", "mcp notes:read")));

        Assert.Equal(200, outcome.StatusCode);
        Assert.Equal("ada", outcome.Caller!.Subject);
        Assert.Equal(["mcp", "notes:read"], outcome.Caller.Scopes.Order(StringComparer.Ordinal));
        Assert.Equal("test-client", outcome.Caller.Claim("client_id"));
        Assert.Equal(1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task ExpiryAndNotBeforeHoldWithSixtySecondsOfSkew()
    {
        var server = Server();
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();

        var justExpired = Claims();
        justExpired["exp"] = now - 30;
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Rs, justExpired))).Caller);

        var expired = Claims();
        expired["exp"] = now - 61;
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, expired), "expired");

        var noExpiry = Claims();
        noExpiry.Remove("exp");
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, noExpiry), "no expiry");

        var soon = Claims();
        soon["nbf"] = now + 30;
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Rs, soon))).Caller);

        var later = Claims();
        later["nbf"] = now + 120;
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, later), "not valid yet");
    }

    [Fact]
    public async Task AnotherIssuerOrAudienceIsRefused()
    {
        var server = Server();

        var issuer = Claims();
        issuer["iss"] = "https://issuer.test/other";
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, issuer), "another issuer");

        foreach (var audience in new[] { "https://mcp.test", "https://mcp.test/mcp/", "https://evil.test/mcp", "" })
        {
            var claims = Claims();
            claims["aud"] = audience;
            await AssertInvalidAsync(server, JwtMinter.Mint(Rs, claims), "another audience");
        }

        var none = Claims();
        none.Remove("aud");
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, none), "another audience");

        var several = Claims();
        several["aud"] = new JsonArray("https://api.test", Resource);
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Rs, several))).Caller);
    }

    [Fact]
    public async Task ForgedSignaturesAndAlgorithmsAreRefusedWithoutRefetchingTheKeys()
    {
        var server = Server();
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Es, Claims()))).Caller);

        var good = JwtMinter.Mint(Rs, Claims());
        var signature = good[(good.LastIndexOf('.') + 1)..];
        var flipped = good[..(good.LastIndexOf('.') + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        await AssertInvalidAsync(server, flipped, "signature does not verify");

        // An attacker's own key, under the issuer's kid.
        await AssertInvalidAsync(server, JwtMinter.Mint(JwtSigningKey.Rsa(Rs.Kid), Claims()), "signature does not verify");

        // The payload changed after signing.
        var parts = good.Split('.');
        var other = JwtMinter.Mint(Rs, Claims("admin")).Split('.');
        await AssertInvalidAsync(server, $"{parts[0]}.{other[1]}.{parts[2]}", "signature does not verify");

        await AssertInvalidAsync(server, JwtMinter.AlgNone(Claims(), Rs.Kid), "alg is not one");
        await AssertInvalidAsync(server, JwtMinter.HmacWithPublicKey(Rs, Claims()), "alg is not one");
        await AssertInvalidAsync(server, JwtMinter.HmacWithPublicKey(Es, Claims()), "alg is not one");

        // The header's alg must fit the key its kid names: RS256 over the EC key, ES256 over the RSA key.
        await AssertInvalidAsync(server, JwtMinter.Mint(Es, Claims(), new JsonObject { ["alg"] = "RS256", ["kid"] = Es.Kid }), "No key");
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, Claims(), new JsonObject { ["alg"] = "ES256", ["kid"] = Rs.Kid }), "No key");

        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, Claims(), new JsonObject { ["alg"] = "RS256", ["kid"] = Rs.Kid, ["crit"] = new JsonArray("exp") }), "critical");
        await AssertInvalidAsync(server, JwtMinter.Mint(Rs, Claims(), new JsonObject { ["alg"] = "RS256", ["kid"] = Rs.Kid, ["typ"] = "id_token+jwt" }), "typ");
        await AssertInvalidAsync(server, "not-a-jwt", "not a JWT");
        await AssertInvalidAsync(server, "a.b.c.d", "not a JWT");

        // Every kid above was known (or the token was refused before a key was looked up): one fetch in all.
        Assert.Equal(1, _issuer.JwksFetches);
    }

    [Fact]
    public async Task DuplicateMembersAreRefusedEvenWhenTheSignatureVerifies()
    {
        // Parsers disagree on which of two "alg"s (or two "aud"s) counts; a token that has two is not taken at all.
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"RS256","kid":"rs-1","alg":"none"}"""u8);
        var claims = Claims().ToJsonString();
        var payload = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims[..^1] + ",\"aud\":\"https://evil.test\"}"));
        var input = header + "." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims));
        await AssertInvalidAsync(Server(), input + "." + System.Buffers.Text.Base64Url.EncodeToString(Rs.Sign(System.Text.Encoding.ASCII.GetBytes(input))), "header is not a JSON object");

        var good = JwtMinter.Mint(Rs, Claims()).Split('.')[0];
        var twice = good + "." + payload;
        await AssertInvalidAsync(Server(), twice + "." + System.Buffers.Text.Base64Url.EncodeToString(Rs.Sign(System.Text.Encoding.ASCII.GetBytes(twice))), "payload is not a JSON object");
    }

    [Fact]
    public async Task NoTokenIs401WithTheMetadataUrlAndTheScopesToAskFor()
    {
        var server = Server("mcp", "notes:read");
        foreach (var authorization in new string?[] { null, "", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer" })
        {
            var outcome = await server.AuthenticateAsync(Request(authorization));

            Assert.Equal(401, outcome.StatusCode);
            Assert.Equal($"Bearer scope=\"mcp notes:read\", resource_metadata=\"{MetadataUrl}\"", outcome.Challenge);
        }

        Assert.Equal(0, _issuer.JwksFetches);
    }

    [Fact]
    public async Task ATokenInTheQueryStringIsRefusedEvenWithAGoodHeader()
    {
        var server = Server();
        var token = JwtMinter.Mint(Rs, Claims());
        foreach (var query in new[] { "access_token=" + token, "x=1&access%5Ftoken=" + token, "access_token" })
        {
            var outcome = await server.AuthenticateAsync(Request("Bearer " + token, query));

            Assert.Equal(400, outcome.StatusCode);
            Assert.StartsWith("Bearer error=\"invalid_request\"", outcome.Challenge, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], outcome.Message, StringComparison.Ordinal);
        }

        Assert.NotNull((await server.AuthenticateAsync(Request("Bearer " + token, "x=access_token"))).Caller);
    }

    [Fact]
    public async Task AnUnknownKidRefetchesTheKeysOnceAndNoMoreThanOncePerInterval()
    {
        var server = Server();
        _issuer.Delay = TimeSpan.FromMilliseconds(100);
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Rs, Claims()))).Caller);
        Assert.Equal(1, _issuer.JwksFetches);

        // The issuer rotates. Within the interval since the last fetch, the new kid is not fetched for.
        var rotated = JwtSigningKey.Rsa("rs-2");
        _issuer.Published = [rotated, Es];
        await AssertInvalidAsync(server, JwtMinter.Mint(rotated, Claims()), "No key");
        Assert.Equal(1, _issuer.JwksFetches);

        // Past it, eight requests with the new kid at once share one fetch, and all pass.
        _clock.Advance(TimeSpan.FromSeconds(31));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => AuthenticateAsync(server, JwtMinter.Mint(rotated, Claims($"user-{i}")))));
        Assert.All(outcomes, o => Assert.Equal(200, o.StatusCode));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"user-{i}"), outcomes.Select(o => o.Caller!.Subject));
        Assert.Equal(2, _issuer.JwksFetches);

        // Forged kids cannot make it fetch again within the interval...
        var forger = JwtSigningKey.Ec("forged");
        var forged = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => AuthenticateAsync(server, JwtMinter.Mint(forger, Claims()))));
        Assert.All(forged, o => Assert.Equal(401, o.StatusCode));
        Assert.Equal(2, _issuer.JwksFetches);

        // ...and past it, eight at once cost one fetch.
        _clock.Advance(TimeSpan.FromSeconds(31));
        forged = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => AuthenticateAsync(server, JwtMinter.Mint(forger, Claims()))));
        Assert.All(forged, o => Assert.Equal(401, o.StatusCode));
        Assert.Equal(3, _issuer.JwksFetches);

        // The keys fetched are kept: the old RSA key is gone, the EC key still verifies without a fetch.
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Es, Claims()))).Caller);
        Assert.Equal(3, _issuer.JwksFetches);
    }

    [Fact]
    public async Task KeysThatCannotBeFetchedAre503AndRetriedAfterABackoff()
    {
        var server = Server();
        _issuer.Failure = HttpStatusCode.InternalServerError;
        var token = JwtMinter.Mint(Rs, Claims());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AuthenticateAsync(server, token)));
        Assert.All(outcomes, o => Assert.Equal(503, o.StatusCode));
        Assert.Equal(1, _issuer.JwksFetches);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(503, (await AuthenticateAsync(server, token)).StatusCode);
        Assert.Equal(1, _issuer.JwksFetches);

        _issuer.Failure = null;
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(200, (await AuthenticateAsync(server, token)).StatusCode);
        Assert.Equal(2, _issuer.JwksFetches);
    }

    [Fact]
    public async Task MetadataNamingAnotherIssuerIsNotTrusted()
    {
        _issuer.MetadataIssuer = "https://evil.test";

        Assert.Equal(503, (await AuthenticateAsync(Server(), JwtMinter.Mint(Rs, Claims()))).StatusCode);
        Assert.Equal(0, _issuer.JwksFetches);
    }

    [Fact]
    public async Task ATokenWithoutTheServersScopesIs403InsufficientScope()
    {
        var server = Server("mcp", "notes:read");

        var outcome = await AuthenticateAsync(server, JwtMinter.Mint(Rs, Claims(scope: "mcp profile")));

        Assert.Equal(403, outcome.StatusCode);
        Assert.Equal(
            $"Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a scope this request needs\", scope=\"mcp profile notes:read\", resource_metadata=\"{MetadataUrl}\"",
            outcome.Challenge);
        Assert.NotNull((await AuthenticateAsync(server, JwtMinter.Mint(Rs, Claims(scope: "notes:read mcp")))).Caller);
    }

    [Theory]
    [InlineData("http://issuer.example", Resource)]
    [InlineData(TestIssuer.Issuer, "mcp.test/mcp")]
    [InlineData(TestIssuer.Issuer, "https://mcp.test/mcp#x")]
    public void SettingsThatAreNotHttpsUrlsAreRefused(string issuer, string resource) =>
        Assert.Throws<ArgumentException>(() => new OAuthResourceServer(new OAuthOptions { Issuer = issuer, Resource = resource }));

    [Fact]
    public void TheMetadataUrlComesFromTheConfiguredResource()
    {
        Assert.Equal(MetadataUrl, Server().MetadataUrl);
        Assert.Equal("https://mcp.test/.well-known/oauth-protected-resource", new OAuthResourceServer(new OAuthOptions { Issuer = TestIssuer.Issuer, Resource = "https://mcp.test" }).MetadataUrl);
        Assert.Equal("http://127.0.0.1:8787/.well-known/oauth-protected-resource/mcp", new OAuthResourceServer(new OAuthOptions { Issuer = "http://127.0.0.1:9000", Resource = "http://127.0.0.1:8787/mcp" }).MetadataUrl);
    }
}
