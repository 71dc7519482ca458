using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pmcp.Testing;

/// <summary>
/// A sign-in provider on Kestrel (127.0.0.1, a free port) for the built-in authorization server's tests, shaped like
/// an OpenID Connect provider (discovery, <c>/authorize</c>, <c>/token</c>, <c>/userinfo</c>) or like GitHub's OAuth
/// apps (<c>/login/oauth/authorize</c>, <c>/login/oauth/access_token</c>, the REST API's <c>GET /api/user</c>). It checks
/// what the real ones check: the client id and secret, the registered callback, the code once with its PKCE verifier,
/// the bearer token on the user call. The user "signs in" as soon as the browser arrives.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Callback, string? Challenge)> _codes = new();
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private int _signIns;
    private int _userCalls;

    private FakeUpstream(WebApplication app, bool gitHub)
    {
        _app = app;
        IsGitHub = gitHub;
    }

    /// <summary>Shaped like GitHub (else like an OpenID Connect provider).</summary>
    public bool IsGitHub { get; }

    /// <summary>The base address: the OpenID Connect issuer, or GitHub's web address.</summary>
    public string Url { get; private set; } = "";

    /// <summary>GitHub's API address (<c>{Url}/api</c>).</summary>
    public string ApiUrl => Url + "/api";

    /// <summary>The client id it knows the server by.</summary>
    public string ClientId { get; } = "upstream-client";

    /// <summary>The client secret it expects.</summary>
    public string ClientSecret { get; } = "upstream-secret-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>The only callback it redirects to; null accepts the first it sees (then only that one).</summary>
    public string? Callback { get; set; }

    /// <summary>Who signs in.</summary>
    public string UserName { get; set; } = "ada";

    /// <summary>How many sign-ins completed (codes redeemed).</summary>
    public int SignIns => Volatile.Read(ref _signIns);

    /// <summary>How many times the user endpoint answered.</summary>
    public int UserCalls => Volatile.Read(ref _userCalls);

    public static async Task<FakeUpstream> StartAsync(bool gitHub = false)
    {
        var app = LoopbackApp.Create();
        var upstream = new FakeUpstream(app, gitHub);
        app.Run(upstream.ServeAsync);
        await app.StartAsync();
        upstream.Url = LoopbackApp.Address(app);
        return upstream;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        switch (IsGitHub, path)
        {
            case (false, "/.well-known/openid-configuration"):
                await JsonAsync(context, 200, new JsonObject
                {
                    ["issuer"] = Url,
                    ["authorization_endpoint"] = Url + "/authorize",
                    ["token_endpoint"] = Url + "/token",
                    ["userinfo_endpoint"] = Url + "/userinfo",
                    ["jwks_uri"] = Url + "/jwks",
                    ["response_types_supported"] = new JsonArray("code"),
                    ["subject_types_supported"] = new JsonArray("public"),
                    ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                });
                return;
            case (false, "/authorize") or (true, "/login/oauth/authorize"):
                Authorize(context);
                return;
            case (false, "/token") or (true, "/login/oauth/access_token") when context.Request.Method == "POST":
                await TokenAsync(context);
                return;
            case (false, "/userinfo") or (true, "/api/user"):
                await UserAsync(context);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    private void Authorize(HttpContext context)
    {
        var q = context.Request.Query;
        var redirect = q["redirect_uri"].ToString();
        Callback ??= redirect;
        if (q["client_id"] != ClientId || redirect != Callback || (!IsGitHub && q["response_type"] != "code"))
        {
            context.Response.StatusCode = 400;
            return;
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _codes[code] = (redirect, q["code_challenge_method"] == "S256" ? q["code_challenge"].ToString() : null);
        context.Response.Redirect(redirect + "?code=" + code + "&state=" + Uri.EscapeDataString(q["state"].ToString()));
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            await JsonAsync(context, 401, new JsonObject { ["error"] = "invalid_client" });
            return;
        }

        if (!_codes.TryRemove(form["code"].ToString(), out var grant) || grant.Callback != form["redirect_uri"]
            || (grant.Challenge is { } challenge && JwtSigningKey.B64(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != challenge))
        {
            // GitHub answers 200 with an error body; OpenID Connect providers 400.
            await JsonAsync(context, IsGitHub ? 200 : 400, new JsonObject { ["error"] = IsGitHub ? "bad_verification_code" : "invalid_grant" });
            return;
        }

        var token = "upstream-token-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        _tokens[token] = true;
        Interlocked.Increment(ref _signIns);
        await JsonAsync(context, 200, new JsonObject { ["access_token"] = token, ["token_type"] = IsGitHub ? "bearer" : "Bearer", ["scope"] = "read:user" });
    }

    private async Task UserAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.ContainsKey(authorization[7..])
            || (IsGitHub && string.IsNullOrEmpty(context.Request.Headers.UserAgent)))
        {
            await JsonAsync(context, 401, new JsonObject { ["message"] = "Bad credentials" });
            return;
        }

        Interlocked.Increment(ref _userCalls);
        await JsonAsync(context, 200, IsGitHub
            ? new JsonObject { ["id"] = 4242, ["login"] = UserName, ["name"] = "Ada Lovelace", ["email"] = UserName + "@example.com" }
            : new JsonObject { ["sub"] = "oidc-" + UserName, ["preferred_username"] = UserName, ["name"] = "Ada Lovelace", ["email"] = UserName + "@example.com" });
    }

    private static async Task JsonAsync(HttpContext context, int status, JsonObject json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>For messages.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"FakeUpstream({(IsGitHub ? "GitHub" : "OIDC")} {Url}, sign-ins {SignIns})");
}
