namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>[auth]</c> of deploy.toml (and <c>[env.NAME.auth]</c>, whose keys replace those of <c>[auth]</c> for that
/// environment: a staging Worker has its own URL, so its own <c>resource</c>): how the MCP endpoint authenticates
/// callers. Written to wrangler.toml's <c>[vars]</c> as the vars the Worker reads (<c>PMCP_AUTH_MODE</c>,
/// <c>PMCP_OAUTH_*</c>); an API key itself is a secret, never here (<c>dotnet pmcp deploy secrets set MCP_API_KEY</c>).
/// </summary>
internal sealed record DeployAuth
{
    public const string None = "none";
    public const string ApiKey = "api-key";
    public const string OAuth = "oauth";

    /// <summary>The keys an <c>[auth]</c> table may hold.</summary>
    public static readonly string[] Keys = ["mode", "issuer", "resource", "scopes", "jwks_url"];

    /// <summary><c>none</c>, <c>api-key</c> or <c>oauth</c>; null when this table does not say (an environment's inherits).</summary>
    public string? Mode { get; init; }

    public string? Issuer { get; init; }

    public string? Resource { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public string? JwksUrl { get; init; }

    /// <summary>This table's keys over <paramref name="inherited"/>'s.</summary>
    public DeployAuth Over(DeployAuth? inherited) => inherited is null ? this : new DeployAuth
    {
        Mode = Mode ?? inherited.Mode,
        Issuer = Issuer ?? inherited.Issuer,
        Resource = Resource ?? inherited.Resource,
        Scopes = Scopes ?? inherited.Scopes,
        JwksUrl = JwksUrl ?? inherited.JwksUrl,
    };

    /// <summary>The vars the Worker reads (<c>McpEndpointOptions.FromEnv</c>), in a fixed order.</summary>
    public IEnumerable<KeyValuePair<string, object>> Vars()
    {
        yield return new("PMCP_AUTH_MODE", Mode ?? None);
        if (Mode != OAuth)
        {
            yield break;
        }

        yield return new("PMCP_OAUTH_ISSUER", Issuer!);
        yield return new("PMCP_OAUTH_RESOURCE", Resource!);
        if (Scopes is { Count: > 0 } scopes)
        {
            yield return new("PMCP_OAUTH_SCOPES", string.Join(' ', scopes));
        }

        if (JwksUrl is not null)
        {
            yield return new("PMCP_OAUTH_JWKS_URL", JwksUrl);
        }
    }

    /// <summary>What is wrong with the effective settings of <paramref name="section"/>; null when nothing.</summary>
    public string? Problem(string section)
    {
        switch (Mode)
        {
            case None or ApiKey:
                return Issuer is not null || Resource is not null || Scopes is not null || JwksUrl is not null
                    ? $"[{section}] mode = \"{Mode}\" takes no issuer, resource, scopes or jwks_url; set mode = \"oauth\" to use them, or delete them."
                    : null;
            case OAuth:
                if (Issuer is null || Resource is null)
                {
                    return $"[{section}] mode = \"oauth\" needs {(Issuer is null ? "issuer = \"https://login.example.com\" (the authorization server's issuer)" : "resource = \"https://my-server.example.workers.dev/mcp\" (this server's MCP URL, as tokens name it in aud)")}.";
                }

                return UrlProblem(section, "issuer", Issuer) ?? UrlProblem(section, "resource", Resource) ?? (JwksUrl is null ? null : UrlProblem(section, "jwks_url", JwksUrl))
                    ?? (Resource.Contains('#', StringComparison.Ordinal) ? $"[{section}] resource \"{Resource}\" has a fragment (#…); a resource URI has none." : null)
                    ?? (Scopes?.FirstOrDefault(s => s.Length == 0 || s.Any(c => c is ' ' or '"' or '\\' || char.IsControl(c))) is { } bad
                        ? $"[{section}] scopes: \"{bad}\" is not a scope (no spaces, quotes or backslashes); write scopes = [\"mcp\", \"notes:read\"]."
                        : null);
            case "access":
                return $"[{section}] mode = \"access\" (Cloudflare Access) is not supported yet; use \"oauth\", \"api-key\" or \"none\".";
            default:
                return $"[{section}] mode must be \"none\", \"api-key\" or \"oauth\"{(Mode is null ? "" : $"; it is \"{Mode}\"")}.";
        }
    }

    private static string? UrlProblem(string section, string key, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            ? null
            : $"[{section}] {key} \"{url}\" must be an absolute https:// URL (http:// only on loopback, for local development).";
}
