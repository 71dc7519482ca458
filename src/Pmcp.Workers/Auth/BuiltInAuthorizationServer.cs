using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Auth;

/// <summary>
/// An OAuth 2.1 authorization server on the MCP server's own Worker, for servers without an identity provider that
/// speaks MCP: RFC 8414 metadata, dynamic client registration (RFC 7591), <c>/authorize</c> (PKCE S256 required, exact
/// redirect URIs with any port on loopback, <c>state</c> returned), the user's sign-in at an
/// <see cref="UpstreamProvider"/> (<c>/callback</c>), a consent page (a form with a CSRF token), <c>/token</c>
/// (authorization codes, single-use; refresh tokens, rotated) and revocation (RFC 7009). Tokens are opaque and stored
/// only as their SHA-256 in D1 with their grant; the MCP endpoint checks them by lookup
/// (<see cref="OpaqueTokenAuthenticator"/>). A client may also skip registration and use the URL of its Client ID
/// Metadata Document as its <c>client_id</c> (<see cref="ClientMetadataDocuments"/>). The same code runs in workerd and natively.
/// </summary>
public sealed class BuiltInAuthorizationServer
{
    private const int MaxBodyBytes = 64 * 1024;
    private const string ConsentCookie = "pmcp_consent";

    private static readonly string[] Paths = ["/.well-known/oauth-authorization-server", "/register", "/authorize", "/callback", "/consent", "/token", "/revoke"];

    private readonly UpstreamSignIn _upstream;
    private readonly ClientMetadataDocuments _documents;
    private readonly TimeProvider _time;
    private readonly byte[] _metadata;
    private readonly Lock _gate = new();
    private Task? _schema;

    /// <summary>A server for <paramref name="options"/>, calling the upstream provider with <c>new HttpClient()</c>.</summary>
    /// <exception cref="ArgumentException">The resource or the upstream URL is not an absolute HTTPS URL (HTTP only on loopback).</exception>
    public BuiltInAuthorizationServer(AuthorizationServerOptions options)
        : this(options, new HttpClient(), TimeProvider.System)
    {
    }

    internal BuiltInAuthorizationServer(AuthorizationServerOptions options, HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        OAuthResourceServer.CheckUrl(options.Resource, "The OAuth resource");
        OAuthResourceServer.CheckUrl(options.Upstream.Url, "The sign-in provider's URL");
        OAuthResourceServer.CheckUrl(options.Upstream.ApiUrl, "The sign-in provider's API URL");
        Options = options;
        _time = time;
        _upstream = new UpstreamSignIn(options.Upstream, http);
        // A server whose resource is on loopback runs locally (dotnet pmcp dev): its clients' documents may be too.
        _documents = new ClientMetadataDocuments(http, time, local: OAuthResourceServer.IsLoopback(new Uri(options.Resource)));
        ResourceMetadata = new OAuthResourceServer(new OAuthOptions { Issuer = options.Issuer, Resource = options.Resource, Scopes = options.Scopes });
        Authenticator = new OpaqueTokenAuthenticator(this, ResourceMetadata.MetadataUrl);
        _metadata = WriteMetadata(options);
    }

    /// <summary>The settings.</summary>
    public AuthorizationServerOptions Options { get; }

    /// <summary>The MCP endpoint's authenticator: access tokens of this server, checked by lookup.</summary>
    public OpaqueTokenAuthenticator Authenticator { get; }

    /// <summary>The protected resource metadata (RFC 9728) naming this server; its key set is never used.</summary>
    internal OAuthResourceServer ResourceMetadata { get; }

    /// <summary>Whether <paramref name="path"/> is one of this server's endpoints.</summary>
    public static bool IsServerPath(string path) => Array.IndexOf(Paths, path) >= 0;

    /// <summary>Answers a request to one of this server's endpoints (<see cref="IsServerPath"/>).</summary>
    public async Task<Response> HandleAsync(Request request, Env env)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(env);
        if (request.Method == "OPTIONS")
        {
            return Cors(Response.Empty(204)).WithHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                .WithHeader("Access-Control-Allow-Headers", "Content-Type, Authorization, MCP-Protocol-Version").WithHeader("Access-Control-Max-Age", "86400");
        }

        try
        {
            return (request.Path, request.Method) switch
            {
                ("/.well-known/oauth-authorization-server", "GET" or "HEAD") => Cors(new Response(200, request.Method == "HEAD" ? ReadOnlyMemory<byte>.Empty : _metadata,
                    new Headers(2).Append("Content-Type", "application/json").Append("Cache-Control", "public, max-age=300"))),
                ("/register", "POST") => Cors(await RegisterAsync(request, env).ConfigureAwait(false)),
                ("/authorize", "GET") => await AuthorizeAsync(request, env).ConfigureAwait(false),
                ("/callback", "GET") => await CallbackAsync(request, env).ConfigureAwait(false),
                ("/consent", "POST") => await ConsentAsync(request, env).ConfigureAwait(false),
                ("/token", "POST") => Cors(await TokenAsync(request, env).ConfigureAwait(false)),
                ("/revoke", "POST") => Cors(await RevokeAsync(request, env).ConfigureAwait(false)),
                _ => new Response(405, "Method Not Allowed"u8.ToArray(), new Headers(1).Append("Allow", request.Path is "/register" or "/consent" or "/token" or "/revoke" ? "POST, OPTIONS" : "GET, OPTIONS")),
            };
        }
        catch (Exception e) when (e is WorkerException or HttpRequestException or TaskCanceledException)
        {
            // The database or the provider failed: say so without details (they may name internals), log the kind.
            Log.Error("pmcp: the authorization server could not answer " + request.Path + ": " + e.GetType().Name);
            return request.Path is "/authorize" or "/callback" or "/consent"
                ? Page(503, "The sign-in service is unavailable; try again shortly.")
                : Cors(OAuthError(503, "temporarily_unavailable", "The authorization server is unavailable; retry shortly"));
        }
    }

    // ---- RFC 7591: dynamic client registration --------------------------------------------------------------

    private async Task<Response> RegisterAsync(Request request, Env env)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        if (body is null)
        {
            return OAuthError(413, "invalid_client_metadata", "The registration is larger than 64 KiB");
        }

        JsonElement metadata;
        try
        {
            using var document = JsonDocument.Parse(body.Value);
            metadata = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return OAuthError(400, "invalid_client_metadata", "The body is not JSON");
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            return OAuthError(400, "invalid_client_metadata", "The body is not a JSON object");
        }

        if (!metadata.TryGetProperty("redirect_uris", out var redirects) || redirects.ValueKind != JsonValueKind.Array || redirects.GetArrayLength() is 0 or > 10)
        {
            return OAuthError(400, "invalid_redirect_uri", "redirect_uris must list 1 to 10 redirect URIs");
        }

        var uris = new List<string>();
        foreach (var redirect in redirects.EnumerateArray())
        {
            if (redirect.ValueKind != JsonValueKind.String || !RedirectUris.IsAcceptable(redirect.GetString()!))
            {
                return OAuthError(400, "invalid_redirect_uri", "Each redirect URI must be an absolute https:// URL, http:// on a loopback address, or an app's private-use scheme, without a fragment");
            }

            uris.Add(redirect.GetString()!);
        }

        if (Text(metadata, "token_endpoint_auth_method") is { } method && method != "none")
        {
            return OAuthError(400, "invalid_client_metadata", "Only public clients are registered here: token_endpoint_auth_method must be none (PKCE protects the code)");
        }

        if (StringArray(metadata, "grant_types") is { } grants && grants.Any(g => g is not ("authorization_code" or "refresh_token")))
        {
            return OAuthError(400, "invalid_client_metadata", "grant_types may hold only authorization_code and refresh_token");
        }

        if (StringArray(metadata, "response_types") is { } responses && responses.Any(r => r != "code"))
        {
            return OAuthError(400, "invalid_client_metadata", "response_types may hold only code");
        }

        var name = Text(metadata, "client_name") is { } given ? new string([.. given.Take(100).Where(c => !char.IsControl(c))]) : null;
        var clientId = OpaqueTokens.New("pmcp_client_");
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var answer = WriteJson(w =>
        {
            w.WriteString("client_id", clientId);
            w.WriteNumber("client_id_issued_at", now);
            if (name is not null)
            {
                w.WriteString("client_name", name);
            }

            w.WriteStartArray("redirect_uris");
            foreach (var uri in uris)
            {
                w.WriteStringValue(uri);
            }

            w.WriteEndArray();
            w.WriteStartArray("grant_types");
            w.WriteStringValue("authorization_code");
            w.WriteStringValue("refresh_token");
            w.WriteEndArray();
            w.WriteStartArray("response_types");
            w.WriteStringValue("code");
            w.WriteEndArray();
            w.WriteString("token_endpoint_auth_method", "none");
        });
        var store = await StoreAsync(env).ConfigureAwait(false);
        await store.AddClientAsync(clientId, name, uris, Encoding.UTF8.GetString(answer), now).ConfigureAwait(false);
        return Json(201, answer);
    }

    // ---- /authorize → the provider → /callback → the consent page → /consent → the client's redirect URI ----

    private async Task<Response> AuthorizeAsync(Request request, Env env)
    {
        var query = FormFields.Parse(request.Url.Contains('?', StringComparison.Ordinal) ? request.Url[(request.Url.IndexOf('?', StringComparison.Ordinal) + 1)..] : "");
        // Until client and redirect URI are known good, every error is a page here: never a redirect (open redirect).
        if (query.Duplicate is { } duplicate && duplicate is "client_id" or "redirect_uri")
        {
            return Page(400, $"The request gives {duplicate} more than once.");
        }

        if (query.NonEmpty("client_id") is not { } clientId)
        {
            return Page(400, "The application asking to sign in is not registered here (unknown client_id).");
        }

        var store = await StoreAsync(env).ConfigureAwait(false);
        RegisteredClient client;
        if (ClientMetadataDocuments.IsDocumentClientId(clientId))
        {
            var (described, refusal) = await _documents.FindAsync(clientId, request.Aborted).ConfigureAwait(false);
            if (described is null)
            {
                return Page(400, "The application's client_id is a metadata document this server cannot use: " + refusal);
            }

            client = described;
        }
        else if (await store.FindClientAsync(clientId).ConfigureAwait(false) is { } registered)
        {
            client = registered;
        }
        else
        {
            return Page(400, "The application asking to sign in is not registered here (unknown client_id).");
        }

        var redirectUri = query.NonEmpty("redirect_uri");
        if (redirectUri is null ? client.RedirectUris.Count != 1 : !RedirectUris.Matches(client.RedirectUris, redirectUri))
        {
            return Page(400, "The application's redirect URI is not one it registered; the sign-in cannot continue.");
        }

        redirectUri ??= client.RedirectUris[0];
        var state = query.Get("state");
        if (query.Duplicate is not null)
        {
            return Back(redirectUri, state, "invalid_request", "A parameter is given more than once");
        }

        if (query.Get("response_type") != "code")
        {
            return Back(redirectUri, state, "unsupported_response_type", "Only response_type=code is supported");
        }

        if (query.Get("code_challenge_method") != "S256" || query.NonEmpty("code_challenge") is not { Length: 43 } challenge)
        {
            return Back(redirectUri, state, "invalid_request", "PKCE is required: code_challenge (S256) and code_challenge_method=S256");
        }

        if (query.Get("resource") is { } resource && resource != Options.Resource)
        {
            return Back(redirectUri, state, "invalid_target", "This server issues tokens only for " + Options.Resource);
        }

        var requested = (query.Get("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        var grantable = Options.GrantableScopes;
        if (requested.FirstOrDefault(s => !grantable.Contains(s, StringComparer.Ordinal)) is { } unknown)
        {
            return Back(redirectUri, state, "invalid_scope", "Unknown scope " + unknown);
        }

        // The server-wide scopes are always granted: every request needs them.
        var scopes = string.Join(' ', Options.Scopes.Union(requested, StringComparer.Ordinal));
        var requestId = OpaqueTokens.New("");
        var upstreamVerifier = OpaqueTokens.New("");
        var now = _time.GetUtcNow();
        await store.AddRequestAsync(await OpaqueTokens.HashAsync(requestId).ConfigureAwait(false),
            new PendingAuthorization(client.ClientId, redirectUri, challenge, state, scopes, Options.Resource, upstreamVerifier),
            (now + Options.CodeLifetime).ToUnixTimeSeconds()).ConfigureAwait(false);
        var location = await _upstream.AuthorizeUrlAsync(CallbackUrl, requestId, await OpaqueTokens.S256Async(upstreamVerifier).ConfigureAwait(false)).ConfigureAwait(false);
        return Redirect(location);
    }

    private string CallbackUrl => Options.Issuer + "/callback";

    private async Task<Response> CallbackAsync(Request request, Env env)
    {
        var query = FormFields.Parse(request.Url.Contains('?', StringComparison.Ordinal) ? request.Url[(request.Url.IndexOf('?', StringComparison.Ordinal) + 1)..] : "");
        if (query.NonEmpty("state") is not { } requestId)
        {
            return Page(400, "The sign-in provider's answer has no state; start the sign-in again from your application.");
        }

        var store = await StoreAsync(env).ConfigureAwait(false);
        var idHash = await OpaqueTokens.HashAsync(requestId).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (await store.FindRequestAsync(idHash, now).ConfigureAwait(false) is not { Subject: null } pending)
        {
            return Page(400, "This sign-in has expired or was already used; start it again from your application.");
        }

        if (query.NonEmpty("code") is not { } code)
        {
            // The user declined at the provider (or it failed): the client's redirect URI is known good by now.
            await store.TakeRequestAsync(idHash).ConfigureAwait(false);
            return Back(pending.RedirectUri, pending.State, "access_denied", "The sign-in was not completed");
        }

        if (await _upstream.UserAsync(code, CallbackUrl, pending.UpstreamVerifier).ConfigureAwait(false) is not { } user)
        {
            return Page(502, "The sign-in provider did not confirm who you are; start the sign-in again from your application.");
        }

        var csrf = OpaqueTokens.New("");
        if (!await store.SignedInAsync(idHash, user.Subject, user.Claims, await OpaqueTokens.HashAsync(csrf).ConfigureAwait(false)).ConfigureAwait(false))
        {
            return Page(400, "This sign-in was already used; start it again from your application.");
        }

        var client = ClientMetadataDocuments.IsDocumentClientId(pending.ClientId)
            ? (await _documents.FindAsync(pending.ClientId, request.Aborted).ConfigureAwait(false)).Client
            : await store.FindClientAsync(pending.ClientId).ConfigureAwait(false);
        var shown = DisplayName(user.Claims) ?? user.Subject;
        var html = ConsentPage.Consent(client?.Name ?? pending.ClientId, pending.RedirectUri, shown, pending.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), requestId, csrf);
        // The same value in a cookie only this browser holds (double submit): a form posted from elsewhere lacks it.
        var secure = Options.Issuer.StartsWith("https:", StringComparison.Ordinal) ? "; Secure" : "";
        return new Response(200, ConsentPage.Utf8(html), ConsentPage.PageHeaders()
            .Append("Set-Cookie", $"{ConsentCookie}={csrf}; Path=/consent; HttpOnly; SameSite=Strict; Max-Age={(int)Options.CodeLifetime.TotalSeconds}{secure}"));
    }

    private async Task<Response> ConsentAsync(Request request, Env env)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var form = FormFields.Parse(body is { } b ? b.Span : default);
        var cookie = Cookie(request.Headers["Cookie"], ConsentCookie);
        if (form.NonEmpty("request") is not { } requestId || form.NonEmpty("csrf") is not { } csrf || cookie is null || !OpaqueTokens.SameText(cookie, csrf))
        {
            return Page(403, "The consent form could not be verified (it must be sent from the page this server showed, in the same browser).");
        }

        var store = await StoreAsync(env).ConfigureAwait(false);
        var idHash = await OpaqueTokens.HashAsync(requestId).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (await store.FindRequestAsync(idHash, now.ToUnixTimeSeconds()).ConfigureAwait(false) is not { Subject: { } subject, CsrfHash: { } csrfHash } pending
            || !OpaqueTokens.SameText(csrfHash, await OpaqueTokens.HashAsync(csrf).ConfigureAwait(false)))
        {
            return Page(400, "This sign-in has expired or was already used; start it again from your application.");
        }

        if (!await store.TakeRequestAsync(idHash).ConfigureAwait(false))
        {
            return Page(400, "This sign-in was already used; start it again from your application.");
        }

        if (form.Get("decision") != "allow")
        {
            return Back(pending.RedirectUri, pending.State, "access_denied", "The user denied access");
        }

        var code = OpaqueTokens.New("pmcp_code_");
        await store.AddCodeAsync(await OpaqueTokens.HashAsync(code).ConfigureAwait(false),
            new IssuedCode(pending.ClientId, pending.RedirectUri, pending.CodeChallenge, subject, pending.Claims ?? "{}", pending.Scopes, pending.Resource),
            (now + Options.CodeLifetime).ToUnixTimeSeconds()).ConfigureAwait(false);
        return Redirect(WithQuery(pending.RedirectUri, "code=" + Uri.EscapeDataString(code) + StateAndIssuer(pending.State)));
    }

    // ---- /token ----------------------------------------------------------------------------------------------

    private async Task<Response> TokenAsync(Request request, Env env)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        if (body is null)
        {
            return OAuthError(413, "invalid_request", "The request is larger than 64 KiB");
        }

        if (request.Headers["Content-Type"] is not { } type || !type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return OAuthError(400, "invalid_request", "The token request must be application/x-www-form-urlencoded");
        }

        var form = FormFields.Parse(body.Value.Span);
        if (form.Duplicate is { } duplicate)
        {
            return OAuthError(400, "invalid_request", duplicate + " is given more than once");
        }

        if (request.Headers["Authorization"] is not null || form.Get("client_secret") is not null)
        {
            return OAuthError(401, "invalid_client", "Clients here are public: send client_id without a secret");
        }

        var store = await StoreAsync(env).ConfigureAwait(false);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        switch (form.Get("grant_type"))
        {
            case "authorization_code":
                if (form.NonEmpty("code") is not { } code || form.NonEmpty("client_id") is not { } clientId)
                {
                    return OAuthError(400, "invalid_request", "code and client_id are required");
                }

                if (!OpaqueTokens.IsVerifier(form.Get("code_verifier")))
                {
                    return OAuthError(400, "invalid_request", "code_verifier (PKCE) is required: 43 to 128 characters");
                }

                // The code is gone from here on, whatever follows: a failed redemption cannot be retried.
                if (await store.TakeCodeAsync(await OpaqueTokens.HashAsync(code).ConfigureAwait(false), now).ConfigureAwait(false) is not { } issued)
                {
                    return OAuthError(400, "invalid_grant", "The authorization code is invalid, expired or already used");
                }

                if (issued.ClientId != clientId || (form.Get("redirect_uri") is { } redirect ? redirect != issued.RedirectUri : false)
                    || !OpaqueTokens.SameText(await OpaqueTokens.S256Async(form.Get("code_verifier")!).ConfigureAwait(false), issued.CodeChallenge))
                {
                    return OAuthError(400, "invalid_grant", "The authorization code was not issued to this client, for this redirect URI and code_verifier");
                }

                if (form.Get("resource") is { } resource && resource != issued.Resource)
                {
                    return OAuthError(400, "invalid_target", "The code was issued for another resource");
                }

                return await IssueAsync(store, OpaqueTokens.New("grant_"), new TokenGrant(issued.ClientId, issued.Subject, issued.Claims, issued.Scopes, issued.Resource), now).ConfigureAwait(false);
            case "refresh_token":
                if (form.NonEmpty("refresh_token") is not { } refresh || form.NonEmpty("client_id") is not { } refreshClient)
                {
                    return OAuthError(400, "invalid_request", "refresh_token and client_id are required");
                }

                // Rotation: the refresh token is deleted as it is used, so a copy of it is worth nothing afterwards.
                if (await store.TakeRefreshTokenAsync(await OpaqueTokens.HashAsync(refresh).ConfigureAwait(false), now).ConfigureAwait(false) is not { } stored
                    || stored.Grant.ClientId != refreshClient)
                {
                    return OAuthError(400, "invalid_grant", "The refresh token is invalid, expired, revoked or already used");
                }

                var grant = stored.Grant;
                if (form.Get("scope") is { } narrower)
                {
                    var held = grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var asked = narrower.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (asked.Any(s => !held.Contains(s, StringComparer.Ordinal)))
                    {
                        return OAuthError(400, "invalid_scope", "A refresh cannot add scopes the grant lacks");
                    }

                    grant = grant with { Scopes = string.Join(' ', asked.Union(Options.Scopes, StringComparer.Ordinal)) };
                }

                return await IssueAsync(store, stored.GrantId, grant, now).ConfigureAwait(false);
            case null:
                return OAuthError(400, "invalid_request", "grant_type is required");
            default:
                return OAuthError(400, "unsupported_grant_type", "Only authorization_code and refresh_token are supported");
        }
    }

    private async Task<Response> IssueAsync(GrantStore store, string grantId, TokenGrant grant, long now)
    {
        var access = OpaqueTokens.New("pmcp_at_");
        var refresh = OpaqueTokens.New("pmcp_rt_");
        var accessLife = (long)Options.AccessTokenLifetime.TotalSeconds;
        await store.AddTokensAsync(grantId, await OpaqueTokens.HashAsync(access).ConfigureAwait(false), now + accessLife,
            await OpaqueTokens.HashAsync(refresh).ConfigureAwait(false), now + (long)Options.RefreshTokenLifetime.TotalSeconds, grant).ConfigureAwait(false);
        // Now and then, drop what has expired (bounded work, off the answer's path only in spirit: it is small).
        if (Random.Shared.Next(16) == 0)
        {
            await store.SweepAsync(now).ConfigureAwait(false);
        }

        return Json(200, WriteJson(w =>
        {
            w.WriteString("access_token", access);
            w.WriteString("token_type", "Bearer");
            w.WriteNumber("expires_in", accessLife);
            w.WriteString("refresh_token", refresh);
            w.WriteString("scope", grant.Scopes);
        }));
    }

    // ---- RFC 7009: revocation --------------------------------------------------------------------------------

    private async Task<Response> RevokeAsync(Request request, Env env)
    {
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var form = FormFields.Parse(body is { } b ? b.Span : default);
        if (form.NonEmpty("token") is not { } token)
        {
            return OAuthError(400, "invalid_request", "token is required");
        }

        var store = await StoreAsync(env).ConfigureAwait(false);
        // Revoking either token of a grant ends the grant; an unknown token is answered 200 as well (§2.2).
        if (await store.FindAnyTokenAsync(await OpaqueTokens.HashAsync(token).ConfigureAwait(false)).ConfigureAwait(false) is { } stored)
        {
            if (form.Get("client_id") is { } clientId && clientId != stored.Grant.ClientId)
            {
                return OAuthError(401, "invalid_client", "The token was not issued to this client");
            }

            await store.RevokeGrantAsync(stored.GrantId).ConfigureAwait(false);
        }

        return new Response(200, ReadOnlyMemory<byte>.Empty, new Headers(1).Append("Cache-Control", "no-store"));
    }

    // ---- the resource side -----------------------------------------------------------------------------------

    /// <summary>The grant of an unexpired access token for this server's resource; null otherwise.</summary>
    internal async Task<TokenGrant?> FindAccessTokenAsync(Env env, string token)
    {
        var store = await StoreAsync(env).ConfigureAwait(false);
        var stored = await store.FindTokenAsync(await OpaqueTokens.HashAsync(token).ConfigureAwait(false), "access", _time.GetUtcNow().ToUnixTimeSeconds()).ConfigureAwait(false);
        return stored is { Grant.Resource: var resource } && resource == Options.Resource ? stored.Grant : null;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private async Task<GrantStore> StoreAsync(Env env)
    {
        var store = new GrantStore(env.D1(Options.Database));
        Task schema;
        lock (_gate)
        {
            if (_schema is { IsFaulted: true } or { IsCanceled: true })
            {
                _schema = null;
            }

            schema = _schema ??= store.EnsureSchemaAsync();
        }

        await schema.ConfigureAwait(false);
        return store;
    }

    /// <summary>The body, or null when it is over 64 KiB.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(Request request)
    {
        if (long.TryParse(request.Headers["Content-Length"], out var length) && length > MaxBodyBytes)
        {
            return null;
        }

        var body = await request.ReadBodyAsync(request.Aborted).ConfigureAwait(false);
        return body.Length > MaxBodyBytes ? null : body;
    }

    private string StateAndIssuer(string? state) =>
        (state is null ? "" : "&state=" + Uri.EscapeDataString(state)) + "&iss=" + Uri.EscapeDataString(Options.Issuer);

    /// <summary>An error sent back to the client's (checked) redirect URI, with its state (RFC 6749 §4.1.2.1).</summary>
    private Response Back(string redirectUri, string? state, string error, string description) =>
        Redirect(WithQuery(redirectUri, "error=" + error + "&error_description=" + Uri.EscapeDataString(description) + StateAndIssuer(state)));

    private static string WithQuery(string uri, string query) => uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    private static Response Redirect(string location) =>
        new(302, ReadOnlyMemory<byte>.Empty, new Headers(3).Append("Location", location).Append("Cache-Control", "no-store").Append("Referrer-Policy", "no-referrer"));

    private static Response Page(int status, string message) => new(status, ConsentPage.Utf8(ConsentPage.Error(message)), ConsentPage.PageHeaders());

    private static Response OAuthError(int status, string error, string description)
    {
        var response = Json(status, WriteJson(w =>
        {
            w.WriteString("error", error);
            w.WriteString("error_description", description);
        }));
        return status == 401 ? response.WithHeader("WWW-Authenticate", "Basic realm=\"token\"") : response;
    }

    private static Response Json(int status, byte[] json) =>
        new(status, json, new Headers(3).Append("Content-Type", "application/json").Append("Cache-Control", "no-store").Append("Pragma", "no-cache"));

    /// <summary>Browser-based clients call the metadata, registration, token and revocation endpoints from another origin.</summary>
    private static Response Cors(Response response) => response.WithHeader("Access-Control-Allow-Origin", "*");

    private static byte[] WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string[]? StringArray(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : "")]
            : null;

    private static string? DisplayName(string claims)
    {
        using var document = JsonDocument.Parse(claims);
        return Text(document.RootElement, "preferred_username") ?? Text(document.RootElement, "email") ?? Text(document.RootElement, "name");
    }

    private static string? Cookie(string? header, string name)
    {
        foreach (var part in (header ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return part[(name.Length + 1)..];
            }
        }

        return null;
    }

    private static byte[] WriteMetadata(AuthorizationServerOptions options)
    {
        var issuer = options.Issuer;
        return WriteJson(w =>
        {
            w.WriteString("issuer", issuer);
            w.WriteString("authorization_endpoint", issuer + "/authorize");
            w.WriteString("token_endpoint", issuer + "/token");
            w.WriteString("registration_endpoint", issuer + "/register");
            w.WriteString("revocation_endpoint", issuer + "/revoke");
            Array(w, "response_types_supported", ["code"]);
            Array(w, "grant_types_supported", ["authorization_code", "refresh_token"]);
            Array(w, "code_challenge_methods_supported", ["S256"]);
            Array(w, "token_endpoint_auth_methods_supported", ["none"]);
            Array(w, "revocation_endpoint_auth_methods_supported", ["none"]);
            if (options.GrantableScopes.Count > 0)
            {
                Array(w, "scopes_supported", options.GrantableScopes);
            }

            w.WriteBoolean("authorization_response_iss_parameter_supported", true);
            w.WriteBoolean("client_id_metadata_document_supported", true);
        });

        static void Array(Utf8JsonWriter w, string name, IEnumerable<string> values)
        {
            w.WriteStartArray(name);
            foreach (var value in values)
            {
                w.WriteStringValue(value);
            }

            w.WriteEndArray();
        }
    }
}
