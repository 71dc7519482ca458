using Pmcp.Http;
using Pmcp.Server;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The MCP endpoint behind Cloudflare Access: every request must carry <c>Cf-Access-Jwt-Assertion</c>, signed by a key
/// of the team's set (<see cref="CloudflareAccessOptions.CertsUrl"/>, fetched once per isolate, refetched rate-limited
/// on an unknown <c>kid</c>, as for OAuth), issued by the team domain for the application's AUD tag, within its
/// lifetime (60 s of skew). The caller is the assertion's <c>sub</c> with its claims (<c>email</c> among them); it has
/// no scopes. A request without a valid assertion did not come through Access: 403, and no part of the assertion in
/// the answer or a log.
/// </summary>
public sealed class CloudflareAccessAuthenticator : IMcpAuthenticator
{
    /// <summary>The header Access adds to each request it lets through.</summary>
    public const string AssertionHeader = "Cf-Access-Jwt-Assertion";

    private readonly OAuthOptions _checks;
    private readonly IssuerKeys _keys;
    private readonly TimeProvider _time;

    /// <summary>An authenticator for <paramref name="options"/>, fetching the team's keys with <c>new HttpClient()</c>.</summary>
    /// <exception cref="ArgumentException">The team domain is not an https URL or host (http only on loopback, for tests), or the AUD tag is empty.</exception>
    public CloudflareAccessAuthenticator(CloudflareAccessOptions options)
        : this(options, () => new HttpClient(), TimeProvider.System)
    {
    }

    internal CloudflareAccessAuthenticator(CloudflareAccessOptions options, Func<HttpClient> http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        OAuthResourceServer.CheckUrl(options.Issuer, "The Cloudflare Access team domain");
        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            throw new ArgumentException("The Cloudflare Access application's AUD tag is empty.", nameof(options));
        }

        Options = options;
        _time = time;
        // The OAuth checks fit Access's assertion: iss the team domain, aud holding the AUD tag, exp and nbf.
        _checks = new OAuthOptions { Issuer = options.Issuer, Resource = options.Audience, JwksUrl = options.CertsUrl };
        _keys = new IssuerKeys(_checks, http, time);
    }

    /// <summary>The settings.</summary>
    public CloudflareAccessOptions Options { get; }

    /// <summary>How many times the team's keys were fetched in this isolate.</summary>
    internal int KeyFetches => _keys.Fetches;

    /// <inheritdoc/>
    public async ValueTask<McpAuthentication> AuthenticateAsync(McpHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Header(AssertionHeader) is not { Length: > 0 } assertion)
        {
            return Forbidden("no Cloudflare Access assertion: the request did not come through Access");
        }

        if (JwtAccessToken.Parse(assertion, out _) is not { } jwt)
        {
            return Forbidden("the Cloudflare Access assertion is not a valid JWT");
        }

        var (outcome, key) = await _keys.FindAsync(jwt.Algorithm, jwt.KeyId).ConfigureAwait(false);
        if (outcome == IssuerKeys.Outcome.Unavailable)
        {
            return McpAuthentication.Refuse(503, null, "Service Unavailable: Cloudflare Access's keys could not be fetched; retry shortly");
        }

        if (key is null || !await SubtleCrypto.VerifyAsync(key, jwt.Signature, jwt.SigningInput).ConfigureAwait(false))
        {
            return Forbidden("the Cloudflare Access assertion is not signed by the team's keys");
        }

        if (jwt.CheckClaims(_checks, _time.GetUtcNow()) is { } failed)
        {
            return Forbidden(failed.Replace("access token", "Cloudflare Access assertion", StringComparison.Ordinal));
        }

        return McpAuthentication.Success(new McpCaller(jwt.Subject, [], jwt.Claims));
    }

    /// <inheritdoc/>
    /// <remarks>Access grants no scopes, so a tool that requires one is refused with this plain challenge.</remarks>
    public string InsufficientScopeChallenge(IReadOnlyCollection<string> scopes) => "CloudflareAccess error=\"insufficient_scope\"";

    private static McpAuthentication Forbidden(string why) => McpAuthentication.Refuse(403, null, "Forbidden: " + why);
}
