using System.Globalization;
using System.Text;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The built-in OAuth 2.1 authorization server (<see cref="BuiltInAuthorizationServer"/>) on the MCP server's own
/// Worker: who it protects, where users sign in, and where grants are kept. Set in code on
/// <see cref="McpEndpointOptions.AuthorizationServer"/>, or from the Worker's vars (<c>PMCP_AUTH_MODE = "oauth"</c>
/// with <c>PMCP_OAUTH_SERVER = "built-in"</c>, <see cref="McpEndpointOptions.FromEnv"/>).
/// </summary>
public sealed record AuthorizationServerOptions
{
    /// <summary>The D1 binding grants are kept in when none is named.</summary>
    public const string DefaultDatabase = "OAUTH_DB";

    /// <summary>
    /// This server's resource URI (RFC 8707), such as <c>https://mcp.example.com/mcp</c>: the MCP endpoint's public
    /// URL. Its origin is the issuer, so the endpoints are <c>https://mcp.example.com/authorize</c> and so on. Configured,
    /// never derived from the request's <c>Host</c>.
    /// </summary>
    public required string Resource { get; init; }

    /// <summary>
    /// The scopes every request's token must hold, granted when a client asks for none; a client may ask only for
    /// these and <see cref="ExtraScopes"/>.
    /// </summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Scopes a client may ask for beyond <see cref="Scopes"/> (those tools require with <c>RequiredScopes</c>).</summary>
    public IReadOnlyList<string> ExtraScopes { get; init; } = [];

    /// <summary>Where users sign in.</summary>
    public required UpstreamProvider Upstream { get; init; }

    /// <summary>The D1 binding holding clients, codes and hashed tokens (its tables are made on first use).</summary>
    public string Database { get; init; } = DefaultDatabase;

    /// <summary>How long an access token lives: one hour by default.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a refresh token lives unused: 30 days by default; each use replaces it with a new one.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long an authorization code, and a sign-in in progress, live: 10 minutes.</summary>
    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The issuer: the resource's origin, such as <c>https://mcp.example.com</c>.</summary>
    public string Issuer => new Uri(Resource).GetLeftPart(UriPartial.Authority);

    /// <summary>Every scope a client may be granted.</summary>
    public IReadOnlyList<string> GrantableScopes => [.. Scopes.Union(ExtraScopes, StringComparer.Ordinal)];

    /// <summary>Prints the settings; the upstream's secret is not printed.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Resource = ").Append(Resource)
            .Append(", Scopes = [").AppendJoin(", ", Scopes)
            .Append("], ExtraScopes = [").AppendJoin(", ", ExtraScopes)
            .Append("], Upstream = ").Append(Upstream)
            .Append(", Database = ").Append(Database)
            .Append(", AccessTokenLifetime = ").Append(AccessTokenLifetime.TotalSeconds.ToString(CultureInfo.InvariantCulture)).Append(" s");
        return true;
    }
}
