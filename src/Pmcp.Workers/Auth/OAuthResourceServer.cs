using System.Buffers;
using System.Net;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Server;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The MCP endpoint as an OAuth 2.1 resource server (MCP 2025-11-25 "Authorization"), in workerd and natively alike:
/// every request carries <c>Authorization: Bearer &lt;JWT&gt;</c>, signed (RS256, ES256 or EdDSA) by a key of the
/// issuer's key set, issued by <see cref="OAuthOptions.Issuer"/> for <see cref="OAuthOptions.Resource"/>, within its
/// lifetime (60 s of skew), and holding <see cref="OAuthOptions.Scopes"/>. The signature is checked with
/// <see cref="SubtleCrypto"/> (WebCrypto in workerd); the keys are fetched once per isolate and refetched, rate-limited,
/// when a token names a key the set lacks.
/// <list type="bullet">
/// <item>No token: 401 <c>WWW-Authenticate: Bearer scope="…", resource_metadata="…"</c>, so the client finds the
/// authorization server through <see cref="MetadataUrl"/> (RFC 9728).</item>
/// <item>A token that fails a check: 401 with <c>error="invalid_token"</c> and a fixed description.</item>
/// <item>A token in the query string: 400 <c>error="invalid_request"</c>; OAuth 2.1 forbids it.</item>
/// <item>A valid token without <see cref="OAuthOptions.Scopes"/>: 403 <c>error="insufficient_scope"</c>.</item>
/// <item>The issuer's keys cannot be fetched: 503.</item>
/// </list>
/// No refusal, challenge or log line holds any part of a token.
/// </summary>
public sealed class OAuthResourceServer : IMcpAuthenticator
{
    private const string WellKnown = "/.well-known/oauth-protected-resource";

    private readonly IssuerKeys _keys;
    private readonly TimeProvider _time;

    /// <summary>A resource server for <paramref name="options"/>, fetching the issuer's keys with <c>new HttpClient()</c>.</summary>
    /// <exception cref="ArgumentException">The issuer, resource or key set URL is not an absolute HTTPS URL (HTTP only on loopback), or the resource has a fragment.</exception>
    public OAuthResourceServer(OAuthOptions options)
        : this(options, () => new HttpClient(), TimeProvider.System)
    {
    }

    /// <summary>For tests: the HTTP client the keys are fetched with, and the clock.</summary>
    internal OAuthResourceServer(OAuthOptions options, Func<HttpClient> http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckUrl(options.Issuer, "The OAuth issuer");
        CheckUrl(options.Resource, "The OAuth resource");
        if (options.JwksUrl is { } jwks)
        {
            CheckUrl(jwks, "The OAuth key set URL");
        }

        if (options.Resource.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The OAuth resource {options.Resource} has a fragment; a resource URI has none (RFC 8707).", nameof(options));
        }

        Options = options;
        _time = time;
        _keys = new IssuerKeys(options, http, time);
        var resource = new Uri(options.Resource);
        var origin = resource.GetLeftPart(UriPartial.Authority);
        ResourcePath = resource.AbsolutePath.TrimEnd('/');
        MetadataUrl = origin + WellKnown + ResourcePath;
        MetadataJson = WriteMetadata(options);
    }

    /// <summary>The settings this server checks tokens against.</summary>
    public OAuthOptions Options { get; }

    /// <summary>
    /// The protected resource metadata's URL (RFC 9728 §3.1), derived from the configured resource, never from a
    /// request: <c>https://mcp.example.com/mcp</c> has it at <c>https://mcp.example.com/.well-known/oauth-protected-resource/mcp</c>.
    /// </summary>
    public string MetadataUrl { get; }

    /// <summary>The protected resource metadata document (RFC 9728 §2), UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> MetadataJson { get; }

    /// <summary>The resource URI's path without a trailing slash: <c>/mcp</c>, or empty for a resource at the root.</summary>
    internal string ResourcePath { get; }

    /// <summary>How many times the issuer's key set was fetched in this isolate.</summary>
    internal int KeyFetches => _keys.Fetches;

    /// <summary>Whether <paramref name="path"/> is one this server's metadata is served at: the root form, and the resource's and the MCP endpoint's path-suffixed forms.</summary>
    /// <param name="path">The request path.</param>
    /// <param name="mcpPath">The MCP endpoint's path, such as <c>/mcp</c>.</param>
    public bool IsMetadataPath(string path, string mcpPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith(WellKnown, StringComparison.Ordinal)
            && (path.Length == WellKnown.Length || path.AsSpan(WellKnown.Length).SequenceEqual(ResourcePath.AsSpan()) || path.AsSpan(WellKnown.Length).SequenceEqual(mcpPath.AsSpan()));
    }

    /// <inheritdoc/>
    public async ValueTask<McpAuthentication> AuthenticateAsync(McpHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HasQueryToken(request.Query))
        {
            return McpAuthentication.Refuse(400, Challenge("invalid_request", "Access tokens are not accepted in the query string: send Authorization: Bearer"),
                "Bad Request: send the access token in the Authorization header, never in the URL");
        }

        if (BearerToken(request.Header("Authorization")) is not { } token)
        {
            return McpAuthentication.Refuse(401, BearerChallenge.Of(MetadataUrl, Options.Scopes),
                "Unauthorized: this server takes an OAuth access token (Authorization: Bearer <token>); its authorization server is named at " + MetadataUrl);
        }

        if (JwtAccessToken.Parse(token, out var refusal) is not { } jwt)
        {
            return Invalid(refusal!);
        }

        var (outcome, key) = await _keys.FindAsync(jwt.Algorithm, jwt.KeyId).ConfigureAwait(false);
        if (outcome == IssuerKeys.Outcome.Unavailable)
        {
            return McpAuthentication.Refuse(503, null, "Service Unavailable: the authorization server's keys could not be fetched; retry shortly");
        }

        if (key is null)
        {
            return Invalid("No key of the issuer verifies the access token");
        }

        if (!await SubtleCrypto.VerifyAsync(key, jwt.Signature, jwt.SigningInput).ConfigureAwait(false))
        {
            return Invalid("The access token's signature does not verify");
        }

        if (jwt.CheckClaims(Options, _time.GetUtcNow()) is { } failed)
        {
            return Invalid(failed);
        }

        var caller = new McpCaller(jwt.Subject, jwt.Scopes(), jwt.Claims);
        var lacking = Options.Scopes.Where(s => !caller.HasScope(s)).ToArray();
        if (lacking.Length > 0)
        {
            return McpAuthentication.Refuse(403, InsufficientScopeChallenge([.. caller.Scopes.Order(StringComparer.Ordinal).Union(Options.Scopes, StringComparer.Ordinal)]),
                "Forbidden: the access token lacks the scope(s) " + string.Join(' ', lacking));
        }

        return McpAuthentication.Success(caller);
    }

    /// <inheritdoc/>
    public string InsufficientScopeChallenge(IReadOnlyCollection<string> scopes) =>
        BearerChallenge.Of(MetadataUrl, scopes, "insufficient_scope", "The access token lacks a scope this request needs");

    /// <summary>Checks an absolute HTTPS URL (HTTP on loopback only, for local development).</summary>
    /// <exception cref="ArgumentException">It is not one.</exception>
    internal static void CheckUrl(string? url, string what)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri))))
        {
            throw new ArgumentException($"{what} must be an absolute https:// URL (http:// only on loopback, for local development); got '{url}'.");
        }
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private McpAuthentication Invalid(string description) =>
        McpAuthentication.Refuse(401, Challenge("invalid_token", description), "Unauthorized: " + description);

    private string Challenge(string error, string description) => BearerChallenge.Of(MetadataUrl, Options.Scopes, error, description);

    /// <summary>The token of <c>Authorization: Bearer &lt;token&gt;</c> (scheme case-insensitive); null for none or another scheme.</summary>
    private static string? BearerToken(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization.AsSpan(7).Trim();
        return token.IsEmpty ? null : token.ToString();
    }

    /// <summary>Whether the query string carries an <c>access_token</c> parameter (its name percent-decoded).</summary>
    private static bool HasQueryToken(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return false;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            if (string.Equals(Uri.UnescapeDataString(name.Replace('+', ' ')), "access_token", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static byte[] WriteMetadata(OAuthOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resource", options.Resource);
            w.WriteStartArray("authorization_servers");
            w.WriteStringValue(options.Issuer);
            w.WriteEndArray();
            if (options.Scopes.Count > 0)
            {
                w.WriteStartArray("scopes_supported");
                foreach (var scope in options.Scopes)
                {
                    w.WriteStringValue(scope);
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("bearer_methods_supported");
            w.WriteStringValue("header");
            w.WriteEndArray();
            if (options.ResourceName is { } name)
            {
                w.WriteString("resource_name", name);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
