using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pmcp.Testing;

/// <summary>
/// A Cloudflare Access team on loopback: <c>/cdn-cgi/access/certs</c> answers as Access does (<c>keys</c> beside
/// <c>public_cert</c> and <c>public_certs</c>), and <see cref="Assertion"/> signs what Access would put in
/// <c>Cf-Access-Jwt-Assertion</c> for a user of the application <see cref="Audience"/>.
/// </summary>
public sealed class FakeAccessTeam : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _fetches;

    private FakeAccessTeam(WebApplication app) => _app = app;

    /// <summary>The team domain (the assertions' issuer), such as <c>http://127.0.0.1:5123</c>.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The Access application's AUD tag.</summary>
    public string Audience { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The team's signing key.</summary>
    public JwtSigningKey Key { get; } = JwtSigningKey.Rsa("access-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>How many times the certs were fetched.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<FakeAccessTeam> StartAsync()
    {
        var app = LoopbackApp.Create();
        var team = new FakeAccessTeam(app);
        app.Run(team.ServeAsync);
        await app.StartAsync();
        team.Url = LoopbackApp.Address(app);
        return team;
    }

    /// <summary>An application token for <paramref name="email"/>, as Access signs it; <paramref name="change"/> alters its claims.</summary>
    public string Assertion(string email, Action<JsonObject>? change = null, JwtSigningKey? key = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(Audience),
            ["email"] = email,
            ["exp"] = now + 86400,
            ["iat"] = now,
            ["nbf"] = now,
            ["iss"] = Url,
            ["type"] = "app",
            ["identity_nonce"] = "6ei69kawdKzMIAPF",
            ["sub"] = "user-" + email.Split('@')[0],
            ["country"] = "US",
        };
        change?.Invoke(claims);
        var signer = key ?? Key;
        return JwtMinter.Mint(signer, claims, new JsonObject { ["alg"] = signer.Algorithm, ["kid"] = signer.Kid });
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (context.Request.Path.Value != "/cdn-cgi/access/certs")
        {
            context.Response.StatusCode = 404;
            return;
        }

        Interlocked.Increment(ref _fetches);
        var cert = new JsonObject { ["kid"] = Key.Kid, ["cert"] = "-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----\n" };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["keys"] = new JsonArray(Key.PublicJwk()),
            ["public_cert"] = cert.DeepClone(),
            ["public_certs"] = new JsonArray(cert),
        }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
