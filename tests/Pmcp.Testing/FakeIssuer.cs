using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NSec.Cryptography;

namespace Pmcp.Testing;

/// <summary>
/// An OAuth 2.1 authorization server on Kestrel (127.0.0.1, a free port), as faithful as a test needs: RFC 8414
/// metadata, a key set with an RS256, an ES256 and an EdDSA key, dynamic client registration (RFC 7591),
/// <c>/authorize</c> that approves at once and redirects with <c>code</c> and <c>state</c> to a registered redirect URI
/// only, and <c>/token</c> that redeems a code once, with its PKCE S256 verifier, for a JWT whose <c>aud</c> is the
/// <c>resource</c> the client asked for. Tests also mint tokens directly (<see cref="Mint"/>).
/// </summary>
public sealed class FakeIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _clients = new();
    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private int _jwksFetches;
    private int _tokensIssued;

    private FakeIssuer(WebApplication app, JwtSigningKey[] keys)
    {
        _app = app;
        Keys = keys;
    }

    /// <summary>The issuer identifier, its base address: <c>http://127.0.0.1:PORT</c>.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>RS256, ES256 and EdDSA keys, in that order.</summary>
    public IReadOnlyList<JwtSigningKey> Keys { get; }

    /// <summary>How many times the key set was fetched.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>How many access tokens <c>/token</c> issued.</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>The subject of the tokens <c>/token</c> issues.</summary>
    public string FlowSubject { get; set; } = "flow-user";

    public static async Task<FakeIssuer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var issuer = new FakeIssuer(app, [JwtSigningKey.Rsa("fake-rs"), JwtSigningKey.Ec("fake-es"), Ed25519Key("fake-ed")]);
        app.Run(issuer.ServeAsync);
        await app.StartAsync();
        issuer.Issuer = LoopbackApp.Address(app);
        return issuer;
    }

    /// <summary>A token for <paramref name="audience"/> signed by key <paramref name="keyIndex"/> (0 RS256, 1 ES256, 2 EdDSA).</summary>
    public string Mint(string audience, string subject, string scope, int keyIndex = 0, Action<JsonObject>? change = null)
    {
        var claims = JwtMinter.Claims(Issuer, audience, subject, scope);
        change?.Invoke(claims);
        return JwtMinter.Mint(Keys[keyIndex], claims);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        switch (request.Path.Value)
        {
            case "/.well-known/oauth-authorization-server":
                await JsonAsync(context, 200, new JsonObject
                {
                    ["issuer"] = Issuer,
                    ["authorization_endpoint"] = Issuer + "/authorize",
                    ["token_endpoint"] = Issuer + "/token",
                    ["registration_endpoint"] = Issuer + "/register",
                    ["jwks_uri"] = Issuer + "/jwks",
                    ["response_types_supported"] = new JsonArray("code"),
                    ["grant_types_supported"] = new JsonArray("authorization_code"),
                    ["code_challenge_methods_supported"] = new JsonArray("S256"),
                    ["token_endpoint_auth_methods_supported"] = new JsonArray("none"),
                });
                return;
            case "/jwks":
                Interlocked.Increment(ref _jwksFetches);
                await JsonAsync(context, 200, new JsonObject { ["keys"] = new JsonArray([.. Keys.Select(k => (JsonNode)k.PublicJwk())]) });
                return;
            case "/register" when request.Method == "POST":
                await RegisterAsync(context);
                return;
            case "/authorize" when request.Method == "GET":
                Authorize(context);
                return;
            case "/token" when request.Method == "POST":
                await TokenAsync(context);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private async Task RegisterAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var metadata = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
        if (metadata?["redirect_uris"] is not JsonArray { Count: > 0 } redirects || redirects.Any(r => r?.GetValueKind() != JsonValueKind.String))
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = "invalid_redirect_uri" });
            return;
        }

        var id = "client-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var client = (JsonObject)metadata!.DeepClone();
        client["client_id"] = id;
        client["client_id_issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        client["token_endpoint_auth_method"] = "none";
        _clients[id] = client;
        await JsonAsync(context, 201, client);
    }

    private void Authorize(HttpContext context)
    {
        var q = context.Request.Query;
        string? Param(string name) => q.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;
        var redirect = Param("redirect_uri");
        if (Param("client_id") is not { } clientId || !_clients.TryGetValue(clientId, out var client) || redirect is null
            || !client["redirect_uris"]!.AsArray().Any(r => r!.GetValue<string>() == redirect))
        {
            // Never redirect to an unregistered URI.
            context.Response.StatusCode = 400;
            return;
        }

        var state = Param("state");
        if (Param("response_type") != "code" || Param("code_challenge_method") != "S256" || Param("code_challenge") is not { Length: > 0 } challenge)
        {
            context.Response.Redirect(Back(redirect, state, "error=invalid_request"));
            return;
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new Grant(clientId, redirect, challenge, Param("resource"), Param("scope") ?? "");
        context.Response.Redirect(Back(redirect, state, "code=" + code));
    }

    private static string Back(string redirect, string? state, string query) =>
        redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query + (state is null ? "" : "&state=" + Uri.EscapeDataString(state));

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        string? Field(string name) => form.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;
        if (Field("grant_type") != "authorization_code")
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = "unsupported_grant_type" });
            return;
        }

        // A code is redeemed once, by its client, with its redirect URI and the verifier of its challenge.
        if (Field("code") is not { } code || !_codes.TryRemove(code, out var grant) || grant.ClientId != Field("client_id") || grant.RedirectUri != Field("redirect_uri")
            || Field("code_verifier") is not { } verifier
            || JwtSigningKey.B64(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge
            || (Field("resource") is { } resource && resource != grant.Resource))
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = "invalid_grant" });
            return;
        }

        var audience = grant.Resource ?? Issuer;
        var token = Mint(audience, FlowSubject, grant.Scope, change: c => c["client_id"] = grant.ClientId);
        Interlocked.Increment(ref _tokensIssued);
        await JsonAsync(context, 200, new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3600, ["scope"] = grant.Scope });
    }

    private static async Task JsonAsync(HttpContext context, int status, JsonObject json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.AccessControlAllowOrigin = "*";
        await context.Response.WriteAsync(json.ToJsonString());
    }

    private static JwtSigningKey Ed25519Key(string kid)
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        var key = Key.Create(algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        return new JwtSigningKey(kid, "EdDSA", new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = JwtSigningKey.B64(publicKey) },
            data => algorithm.Sign(key, data));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Grant(string ClientId, string RedirectUri, string Challenge, string? Resource, string Scope);

    /// <summary>For messages: the issuer and how many tokens and key fetches it served.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FakeIssuer({Issuer}, tokens {TokensIssued}, key fetches {JwksFetches})");
}
