using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Pmcp.Http;
using Pmcp.Testing;
using Pmcp.Workers;
using Pmcp.Workers.Auth;

namespace Pmcp.Tests.Auth;

/// <summary>
/// <c>PMCP_AUTH_MODE = "access"</c>: the assertion Cloudflare Access adds (<c>Cf-Access-Jwt-Assertion</c>) is checked
/// against the team's keys, served here as Access serves them at <c>/cdn-cgi/access/certs</c> (<c>keys</c> beside
/// <c>public_cert</c> and <c>public_certs</c>), for the application's AUD tag; the caller is the user.
/// </summary>
public sealed class CloudflareAccessTests : IDisposable
{
    private const string Team = "https://myteam.cloudflareaccess.com";
    private const string Aud = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";
    private static readonly JwtSigningKey Key = JwtSigningKey.Rsa("access-1");
    private static readonly JwtSigningKey Other = JwtSigningKey.Rsa("access-1");
    private readonly AccessCerts _certs = new(Key);
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);

    public void Dispose() => _certs.Dispose();

    private CloudflareAccessAuthenticator Authenticator() =>
        new(new CloudflareAccessOptions { TeamDomain = "myteam.cloudflareaccess.com", Audience = Aud }, _certs.Client, _clock);

    /// <summary>The claims of an Access application token: aud is a list, the user's email and identity nonce beside sub.</summary>
    private JsonObject Claims(string email = "ada@example.com")
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["aud"] = new JsonArray(Aud),
            ["email"] = email,
            ["exp"] = now + 86400,
            ["iat"] = now,
            ["nbf"] = now,
            ["iss"] = Team,
            ["type"] = "app",
            ["identity_nonce"] = "6ei69kawdKzMIAPF",
            ["sub"] = "7335d417-61da-459d-899c-0a01c76a2f94",
            ["country"] = "US",
        };
    }

    private static McpHttpRequest Request(string? assertion, string? authorization = null) =>
        new("POST", "/mcp", name => name.Equals(CloudflareAccessAuthenticator.AssertionHeader, StringComparison.OrdinalIgnoreCase) ? assertion
            : name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? authorization : null, ReadOnlyMemory<byte>.Empty);

    [Fact]
    public async Task EightUsersAtOnceAreAdmittedWithOneFetchOfTheTeamsKeys()
    {
        var access = Authenticator();
        var assertions = Enumerable.Range(0, 8).Select(i => JwtMinter.Mint(Key, Claims($"user{i}@example.com"), new JsonObject { ["alg"] = "RS256", ["kid"] = Key.Kid })).ToArray();

        var results = await Task.WhenAll(assertions.Select(a => access.AuthenticateAsync(Request(a)).AsTask()));

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(200, results[i].StatusCode);
            Assert.Equal("7335d417-61da-459d-899c-0a01c76a2f94", results[i].Caller!.Subject);
            Assert.Equal($"user{i}@example.com", results[i].Caller!.Claim("email"));
            Assert.Empty(results[i].Caller!.Scopes);
        }

        Assert.Equal(1, _certs.Fetches);
    }

    [Fact]
    public async Task AssertionsThatDidNotComeFromAccessAreRefused()
    {
        var access = Authenticator();
        var good = Claims();
        var cases = new (string? Assertion, string Why)[]
        {
            (null, "no Cloudflare Access assertion"),
            ("not-a-jwt", "not a valid JWT"),
            (JwtMinter.Mint(Key, With(good, "aud", new JsonArray("another-app"))), "another audience"),
            (JwtMinter.Mint(Key, With(good, "iss", "https://otherteam.cloudflareaccess.com")), "another issuer"),
            (JwtMinter.Mint(Key, With(good, "exp", _clock.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds())), "expired"),
            (JwtMinter.Mint(Key, With(good, "nbf", _clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds())), "not valid yet"),
            (JwtMinter.Mint(Other, good), "not signed by the team's keys"),
            (JwtMinter.AlgNone(good, Key.Kid), "not a valid JWT"),
            (JwtMinter.HmacWithPublicKey(Key, good), "not a valid JWT"),
        };

        foreach (var (assertion, why) in cases)
        {
            var result = await access.AuthenticateAsync(Request(assertion)).AsTask();
            Assert.True(result.StatusCode == 403, $"{why}: {result.StatusCode} {result.Message}");
            Assert.Contains(why, result.Message, StringComparison.Ordinal);
            foreach (var part in (assertion ?? "").Split('.').Where(p => p.Length > 8))
            {
                Assert.DoesNotContain(part, result.Message, StringComparison.Ordinal);
            }
        }

        // An OAuth bearer token is no assertion: Access mode reads only the header Access sets.
        var bearer = await access.AuthenticateAsync(Request(null, "Bearer " + JwtMinter.Mint(Key, good))).AsTask();
        Assert.Equal(403, bearer.StatusCode);
    }

    [Fact]
    public async Task AnUnknownKeyIdRefetchesTheKeysAtMostOncePerInterval()
    {
        var access = Authenticator();
        Assert.Equal(200, (await access.AuthenticateAsync(Request(JwtMinter.Mint(Key, Claims())))).StatusCode);

        // Access rotated its keys: a token of the new key is admitted after one refetch.
        var rotated = JwtSigningKey.Rsa("access-2");
        _certs.Published = [rotated, Key];
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(200, (await access.AuthenticateAsync(Request(JwtMinter.Mint(rotated, Claims())))).StatusCode);
        Assert.Equal(2, _certs.Fetches);

        // Tokens naming keys nobody published do not make it fetch again and again.
        var unknown = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => access.AuthenticateAsync(Request(JwtMinter.Mint(JwtSigningKey.Rsa("nobody-" + i), Claims()))).AsTask()));
        Assert.All(unknown, r => Assert.Equal(403, r.StatusCode));
        Assert.Equal(2, _certs.Fetches);
    }

    [Fact]
    public async Task KeysThatCannotBeFetchedAre503()
    {
        _certs.Failure = HttpStatusCode.BadGateway;

        var result = await Authenticator().AuthenticateAsync(Request(JwtMinter.Mint(Key, Claims())));

        Assert.Equal(503, result.StatusCode);
    }

    [Fact]
    public void FromEnvReadsTheTeamAndAudienceAndAMissingOneRefusesEveryRequest()
    {
        var options = McpEndpointOptions.FromEnv(Env(("PMCP_AUTH_MODE", "access"), ("PMCP_ACCESS_TEAM_DOMAIN", "myteam.cloudflareaccess.com"), ("PMCP_ACCESS_AUD", Aud)));
        Assert.Equal(Team, options.Access!.Issuer);
        Assert.Equal(Team + "/cdn-cgi/access/certs", options.Access.CertsUrl);
        Assert.Equal(Aud, options.Access.Audience);
        Assert.Null(options.Misconfiguration);

        var missing = McpEndpointOptions.FromEnv(Env(("PMCP_AUTH_MODE", "access"), ("PMCP_ACCESS_TEAM_DOMAIN", "myteam.cloudflareaccess.com")));
        Assert.Contains("PMCP_ACCESS_AUD is not set", missing.Misconfiguration, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CloudflareAccessAuthenticator(new CloudflareAccessOptions { TeamDomain = "http://myteam.cloudflareaccess.com", Audience = Aud }));
    }

    private static Env Env(params (string Name, string Value)[] vars) =>
        new(new DictionaryEnvSource(vars.ToDictionary(v => v.Name, v => v.Value)));

    private static JsonObject With(JsonObject claims, string name, JsonNode value)
    {
        var copy = (JsonObject)claims.DeepClone();
        copy[name] = value;
        return copy;
    }

    /// <summary>The team's certs endpoint, answering as Access does.</summary>
    private sealed class AccessCerts(params JwtSigningKey[] keys) : HttpMessageHandler
    {
        private int _fetches;

        public List<JwtSigningKey> Published { get; set; } = [.. keys];

        public HttpStatusCode? Failure { get; set; }

        public int Fetches => Volatile.Read(ref _fetches);

        public HttpClient Client() => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsoluteUri != Team + "/cdn-cgi/access/certs")
            {
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            Interlocked.Increment(ref _fetches);
            if (Failure is { } status)
            {
                return Task.FromResult(new HttpResponseMessage(status));
            }

            var certs = new JsonArray([.. Published.Select(k => (JsonNode)new JsonObject { ["kid"] = k.Kid, ["cert"] = "-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----\n" })]);
            var json = new JsonObject
            {
                ["keys"] = new JsonArray([.. Published.Select(k => (JsonNode)k.PublicJwk())]),
                ["public_cert"] = certs[0]!.DeepClone(),
                ["public_certs"] = certs,
            };
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") });
        }
    }
}
