using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Pmcp.Workers.Auth;

/// <summary>
/// Signing a user in at the <see cref="UpstreamProvider"/>: the authorization code flow with PKCE S256 to it, the code
/// exchanged with this server's client secret (<c>client_secret_post</c>), then who the user is — from the OpenID
/// Connect userinfo endpoint, or GitHub's <c>GET /user</c>. The provider's token is used for that one call and dropped:
/// it is never stored, logged, or passed on to the MCP server's tools.
/// </summary>
internal sealed class UpstreamSignIn(UpstreamProvider provider, HttpClient http)
{
    private const int MaxResponseBytes = 256 * 1024;

    private readonly Lock _gate = new();
    private Task<Endpoints>? _endpoints;

    /// <summary>The provider's authorization URL for one sign-in.</summary>
    public async Task<string> AuthorizeUrlAsync(string callback, string state, string codeChallenge)
    {
        var endpoints = await EndpointsAsync().ConfigureAwait(false);
        return endpoints.Authorize + (endpoints.Authorize.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + "response_type=code&client_id=" + Uri.EscapeDataString(provider.ClientId)
            + "&redirect_uri=" + Uri.EscapeDataString(callback)
            + "&scope=" + Uri.EscapeDataString(provider.Scope)
            + "&state=" + Uri.EscapeDataString(state)
            + "&code_challenge=" + Uri.EscapeDataString(codeChallenge) + "&code_challenge_method=S256";
    }

    /// <summary>Redeems the provider's code and asks who signed in; null (and a log line without secrets) when the provider refuses.</summary>
    public async Task<UpstreamUser?> UserAsync(string code, string callback, string verifier)
    {
        var endpoints = await EndpointsAsync().ConfigureAwait(false);
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, endpoints.Token)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "authorization_code"),
                new("code", code),
                new("redirect_uri", callback),
                new("client_id", provider.ClientId),
                new("client_secret", provider.ClientSecret),
                new("code_verifier", verifier),
            ]),
        };
        tokenRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var tokenAnswer = await ReadJsonAsync(tokenRequest).ConfigureAwait(false);
        if (tokenAnswer?.RootElement is not { ValueKind: JsonValueKind.Object } token
            || !token.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } upstreamToken)
        {
            var error = tokenAnswer?.RootElement is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty("error", out var code2) ? code2.ToString() : "no access_token";
            Log.Error($"pmcp: the sign-in provider refused the code ({Printable(error)})");
            return null;
        }

        using var userRequest = new HttpRequestMessage(HttpMethod.Get, endpoints.User);
        userRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", upstreamToken);
        userRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(provider.Kind == UpstreamKind.GitHub ? "application/vnd.github+json" : "application/json"));
        userRequest.Headers.UserAgent.Add(new ProductInfoHeaderValue("pmcp", "1"));
        using var user = await ReadJsonAsync(userRequest).ConfigureAwait(false);
        if (user?.RootElement is not { ValueKind: JsonValueKind.Object } profile)
        {
            Log.Error("pmcp: the sign-in provider did not say who signed in");
            return null;
        }

        return provider.Kind == UpstreamKind.GitHub ? GitHubUser(profile) : OpenIdUser(profile);
    }

    private static UpstreamUser? OpenIdUser(JsonElement profile)
    {
        if (Text(profile, "sub") is not { } sub)
        {
            return null;
        }

        return new UpstreamUser(sub, Claims(sub, Text(profile, "email"), Text(profile, "name"), Text(profile, "preferred_username")));
    }

    private static UpstreamUser? GitHubUser(JsonElement profile)
    {
        if (!profile.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var sub = "github:" + id.GetRawText();
        return new UpstreamUser(sub, Claims(sub, Text(profile, "email"), Text(profile, "name"), Text(profile, "login")));
    }

    /// <summary>The claims a tool sees as <c>context.Caller.Claims</c>: who, never the provider's tokens.</summary>
    private static string Claims(string sub, string? email, string? name, string? username)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("sub", sub);
            if (email is not null)
            {
                w.WriteString("email", email);
            }

            if (name is not null)
            {
                w.WriteString("name", name);
            }

            if (username is not null)
            {
                w.WriteString("preferred_username", username);
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Printable(string text) => new([.. text.Take(100).Where(c => !char.IsControl(c))]);

    private Task<Endpoints> EndpointsAsync()
    {
        lock (_gate)
        {
            if (_endpoints is { IsFaulted: true } or { IsCanceled: true })
            {
                _endpoints = null;
            }

            return _endpoints ??= DiscoverAsync();
        }
    }

    private async Task<Endpoints> DiscoverAsync()
    {
        var url = provider.Url.TrimEnd('/');
        if (provider.Kind == UpstreamKind.GitHub)
        {
            return new Endpoints(url + "/login/oauth/authorize", url + "/login/oauth/access_token", provider.ApiUrl.TrimEnd('/') + "/user");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url + "/.well-known/openid-configuration");
        using var document = await ReadJsonAsync(request).ConfigureAwait(false);
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } metadata
            || Text(metadata, "authorization_endpoint") is not { } authorize || Text(metadata, "token_endpoint") is not { } token
            || Text(metadata, "userinfo_endpoint") is not { } userinfo)
        {
            throw new HttpRequestException("The sign-in provider's OpenID Connect metadata lacks authorization_endpoint, token_endpoint or userinfo_endpoint.");
        }

        if (Text(metadata, "issuer") is { } issuer && issuer.TrimEnd('/') != url)
        {
            throw new HttpRequestException("The sign-in provider's OpenID Connect metadata names another issuer.");
        }

        return new Endpoints(authorize, token, userinfo);
    }

    /// <summary>The JSON answer of a successful request, at most 256 KiB; null for a failure status or no JSON.</summary>
    private async Task<JsonDocument?> ReadJsonAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            return null;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (bytes.Length > MaxResponseBytes)
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(bytes);
            if (!response.IsSuccessStatusCode && request.Method == HttpMethod.Get)
            {
                document.Dispose();
                return null;
            }

            return document;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Endpoints(string Authorize, string Token, string User);
}

/// <summary>Who signed in at the provider: a stable subject and the claims tools see.</summary>
internal sealed record UpstreamUser(string Subject, string Claims);
