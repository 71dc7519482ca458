using System.Globalization;
using System.Text;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The MCP endpoint as an OAuth 2.1 resource server (MCP 2025-11-25 "Authorization"): who issues its access tokens,
/// what it is called in them, and which scopes every request needs. Tokens are JWTs (RS256, ES256 or EdDSA) checked
/// against the issuer's published keys (<see cref="OAuthResourceServer"/>). Set in code on
/// <see cref="McpEndpointOptions.OAuth"/>, or from the Worker's vars (<c>PMCP_AUTH_MODE = "oauth"</c>,
/// <see cref="McpEndpointOptions.FromEnv"/>).
/// </summary>
public sealed record OAuthOptions
{
    /// <summary>
    /// The authorization server's issuer identifier, such as <c>https://login.example.com</c>: tokens must carry it as
    /// <c>iss</c>, exactly, and its metadata (RFC 8414, or OpenID Connect discovery) names the keys. HTTPS, or HTTP on
    /// loopback for local development.
    /// </summary>
    public required string Issuer { get; init; }

    /// <summary>
    /// This server's resource URI (RFC 8707, RFC 9728), such as <c>https://mcp.example.com/mcp</c>: tokens must carry it
    /// in <c>aud</c>, exactly. Configured, never derived from the request's <c>Host</c>, which the client controls (and a
    /// Worker on workers.dev and on a custom domain has two).
    /// </summary>
    public required string Resource { get; init; }

    /// <summary>
    /// The scopes every request's token must hold, all of them; advertised as <c>scopes_supported</c> in the protected
    /// resource metadata and as <c>scope</c> in the 401 challenge. Empty: any valid token is enough (tools may still
    /// require their own, <see cref="Pmcp.Server.ToolOptions.RequiredScopes"/>).
    /// </summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>
    /// The issuer's JSON Web Key Set URL; null (the default) reads <c>jwks_uri</c> from the issuer's metadata.
    /// HTTPS, or HTTP on loopback.
    /// </summary>
    public string? JwksUrl { get; init; }

    /// <summary>A human-readable name for the protected resource metadata's <c>resource_name</c>; null for none.</summary>
    public string? ResourceName { get; init; }

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off the Worker's clock: 60 seconds by default.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The least time between two fetches of the issuer's keys: a token naming an unknown <c>kid</c> refetches them
    /// (the issuer may have rotated), at most once per this interval, so forged <c>kid</c>s cannot make the Worker
    /// hammer the issuer. 30 seconds by default.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Prints the settings (none is secret).</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Issuer = ").Append(Issuer)
            .Append(", Resource = ").Append(Resource)
            .Append(", Scopes = [").AppendJoin(", ", Scopes)
            .Append("], JwksUrl = ").Append(JwksUrl ?? "(from the issuer's metadata)")
            .Append(", ClockSkew = ").Append(ClockSkew.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append(" s")
            .Append(", KeyRefreshInterval = ").Append(KeyRefreshInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append(" s");
        return true;
    }
}
