namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>[auth]</c> of deploy.toml (and <c>[env.NAME.auth]</c>, whose keys replace those of <c>[auth]</c> for that
/// environment: a staging Worker has its own URL, so its own <c>resource</c>): how the MCP endpoint authenticates
/// callers. Written to wrangler.toml's <c>[vars]</c> as the vars the Worker reads (<c>PMCP_AUTH_MODE</c>,
/// <c>PMCP_OAUTH_*</c>); an API key itself is a secret, never here (<c>dotnet pmcp deploy secrets set MCP_API_KEY</c>),
/// and so is the built-in authorization server's client secret at its sign-in provider
/// (<c>PMCP_OAUTH_UPSTREAM_CLIENT_SECRET</c>).
/// </summary>
internal sealed record DeployAuth
{
    public const string None = "none";
    public const string ApiKey = "api-key";
    public const string OAuth = "oauth";
    public const string External = "external";
    public const string BuiltIn = "built-in";
    public const string Access = "access";

    /// <summary>The keys an <c>[auth]</c> table may hold.</summary>
    public static readonly string[] Keys = ["mode", "server", "issuer", "resource", "scopes", "jwks_url", "extra_scopes", "database", "upstream", "upstream_url", "upstream_api_url", "upstream_client_id", "team_domain", "aud"];

    /// <summary>The keys only the built-in authorization server takes.</summary>
    private static readonly string[] BuiltInKeys = ["extra_scopes", "database", "upstream", "upstream_url", "upstream_api_url", "upstream_client_id"];

    /// <summary><c>none</c>, <c>api-key</c> or <c>oauth</c>; null when this table does not say (an environment's inherits).</summary>
    public string? Mode { get; init; }

    public string? Issuer { get; init; }

    public string? Resource { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public string? JwksUrl { get; init; }

    /// <summary>For <c>oauth</c>: <c>external</c> (the default: <see cref="Issuer"/> issues tokens) or <c>built-in</c> (the Worker does).</summary>
    public string? Server { get; init; }

    /// <summary>Built-in: scopes clients may ask for beyond <see cref="Scopes"/>.</summary>
    public IReadOnlyList<string>? ExtraScopes { get; init; }

    /// <summary>Built-in: the D1 binding grants are kept in (<c>OAUTH_DB</c> by default).</summary>
    public string? Database { get; init; }

    /// <summary>Built-in: the sign-in provider, <c>oidc</c> or <c>github</c>.</summary>
    public string? Upstream { get; init; }

    /// <summary>Built-in: the OpenID Connect issuer, or GitHub's address (GitHub Enterprise).</summary>
    public string? UpstreamUrl { get; init; }

    /// <summary>Built-in: GitHub's API address (GitHub Enterprise).</summary>
    public string? UpstreamApiUrl { get; init; }

    /// <summary>Built-in: the Worker's client id at the provider (not a secret; its secret is one).</summary>
    public string? UpstreamClientId { get; init; }

    /// <summary>Access: the team domain, such as <c>myteam.cloudflareaccess.com</c>.</summary>
    public string? TeamDomain { get; init; }

    /// <summary>Access: the application's AUD tag.</summary>
    public string? Aud { get; init; }

    private bool IsBuiltIn => Server == BuiltIn;

    /// <summary>This table's keys over <paramref name="inherited"/>'s.</summary>
    public DeployAuth Over(DeployAuth? inherited) => inherited is null ? this : new DeployAuth
    {
        Mode = Mode ?? inherited.Mode,
        Issuer = Issuer ?? inherited.Issuer,
        Resource = Resource ?? inherited.Resource,
        Scopes = Scopes ?? inherited.Scopes,
        JwksUrl = JwksUrl ?? inherited.JwksUrl,
        Server = Server ?? inherited.Server,
        ExtraScopes = ExtraScopes ?? inherited.ExtraScopes,
        Database = Database ?? inherited.Database,
        Upstream = Upstream ?? inherited.Upstream,
        UpstreamUrl = UpstreamUrl ?? inherited.UpstreamUrl,
        UpstreamApiUrl = UpstreamApiUrl ?? inherited.UpstreamApiUrl,
        UpstreamClientId = UpstreamClientId ?? inherited.UpstreamClientId,
        TeamDomain = TeamDomain ?? inherited.TeamDomain,
        Aud = Aud ?? inherited.Aud,
    };

    /// <summary>The vars the Worker reads (<c>McpEndpointOptions.FromEnv</c>), in a fixed order.</summary>
    public IEnumerable<KeyValuePair<string, object>> Vars()
    {
        yield return new("PMCP_AUTH_MODE", Mode ?? None);
        if (Mode == Access)
        {
            yield return new("PMCP_ACCESS_TEAM_DOMAIN", TeamDomain!);
            yield return new("PMCP_ACCESS_AUD", Aud!);
            yield break;
        }

        if (Mode != OAuth)
        {
            yield break;
        }

        if (IsBuiltIn)
        {
            yield return new("PMCP_OAUTH_SERVER", BuiltIn);
        }
        else
        {
            yield return new("PMCP_OAUTH_ISSUER", Issuer!);
        }

        yield return new("PMCP_OAUTH_RESOURCE", Resource!);
        if (Scopes is { Count: > 0 } scopes)
        {
            yield return new("PMCP_OAUTH_SCOPES", string.Join(' ', scopes));
        }

        if (JwksUrl is not null)
        {
            yield return new("PMCP_OAUTH_JWKS_URL", JwksUrl);
        }

        if (!IsBuiltIn)
        {
            yield break;
        }

        if (ExtraScopes is { Count: > 0 } extra)
        {
            yield return new("PMCP_OAUTH_EXTRA_SCOPES", string.Join(' ', extra));
        }

        if (Database is not null)
        {
            yield return new("PMCP_OAUTH_DB", Database);
        }

        yield return new("PMCP_OAUTH_UPSTREAM", Upstream!);
        if (UpstreamUrl is not null)
        {
            yield return new("PMCP_OAUTH_UPSTREAM_URL", UpstreamUrl);
        }

        if (UpstreamApiUrl is not null)
        {
            yield return new("PMCP_OAUTH_UPSTREAM_API_URL", UpstreamApiUrl);
        }

        yield return new("PMCP_OAUTH_UPSTREAM_CLIENT_ID", UpstreamClientId!);
    }

    /// <summary>What is wrong with the effective settings of <paramref name="section"/>; null when nothing.</summary>
    public string? Problem(string section)
    {
        switch (Mode)
        {
            case None or ApiKey or OAuth when TeamDomain is not null || Aud is not null:
                return $"[{section}] team_domain and aud are for mode = \"access\" (Cloudflare Access): set it, or delete them.";
            case None or ApiKey:
                return Issuer is not null || Resource is not null || Scopes is not null || JwksUrl is not null || Server is not null || HasBuiltInKeys
                    ? $"[{section}] mode = \"{Mode}\" takes no issuer, resource, scopes, jwks_url, server or upstream settings; set mode = \"oauth\" to use them, or delete them."
                    : null;
            case OAuth when Server is not (null or External or BuiltIn):
                return $"[{section}] server must be \"external\" (tokens from your identity provider, the default) or \"built-in\" (the Worker issues them); it is \"{Server}\".";
            case OAuth when IsBuiltIn:
                return BuiltInProblem(section);
            case OAuth:
                if (HasBuiltInKeys)
                {
                    return $"[{section}] {string.Join(", ", BuiltInKeys.Where(IsSet))} are for the built-in authorization server: add server = \"built-in\", or delete them.";
                }

                if (Issuer is null || Resource is null)
                {
                    return $"[{section}] mode = \"oauth\" needs {(Issuer is null ? "issuer = \"https://login.example.com\" (the authorization server's issuer)" : "resource = \"https://my-server.example.workers.dev/mcp\" (this server's MCP URL, as tokens name it in aud)")}.";
                }

                return UrlProblem(section, "issuer", Issuer) ?? UrlProblem(section, "resource", Resource) ?? (JwksUrl is null ? null : UrlProblem(section, "jwks_url", JwksUrl))
                    ?? (Resource.Contains('#', StringComparison.Ordinal) ? $"[{section}] resource \"{Resource}\" has a fragment (#…); a resource URI has none." : null)
                    ?? (Scopes?.FirstOrDefault(s => s.Length == 0 || s.Any(c => c is ' ' or '"' or '\\' || char.IsControl(c))) is { } bad
                        ? $"[{section}] scopes: \"{bad}\" is not a scope (no spaces, quotes or backslashes); write scopes = [\"mcp\", \"notes:read\"]."
                        : null);
            case Access:
                if (Issuer is not null || Resource is not null || Scopes is not null || JwksUrl is not null || Server is not null || HasBuiltInKeys)
                {
                    return $"[{section}] mode = \"access\" takes only team_domain and aud (Access signs users in); delete the OAuth settings.";
                }

                if (TeamDomain is null || Aud is null)
                {
                    return $"[{section}] mode = \"access\" needs {(TeamDomain is null ? "team_domain = \"myteam.cloudflareaccess.com\" (Zero Trust → Settings → Custom Pages shows it)" : "aud = \"…\" (the Access application's Application Audience (AUD) tag, on its Overview tab)")}.";
                }

                return TeamDomain.Contains("://", StringComparison.Ordinal) ? UrlProblem(section, "team_domain", TeamDomain)
                    : Uri.CheckHostName(TeamDomain) == UriHostNameType.Dns ? null
                    : $"[{section}] team_domain \"{TeamDomain}\" must be a host name such as myteam.cloudflareaccess.com.";
            default:
                return $"[{section}] mode must be \"none\", \"api-key\", \"oauth\" or \"access\"{(Mode is null ? "" : $"; it is \"{Mode}\"")}.";
        }
    }

    private bool HasBuiltInKeys => BuiltInKeys.Any(IsSet);

    private bool IsSet(string key) => key switch
    {
        "extra_scopes" => ExtraScopes is not null,
        "database" => Database is not null,
        "upstream" => Upstream is not null,
        "upstream_url" => UpstreamUrl is not null,
        "upstream_api_url" => UpstreamApiUrl is not null,
        "upstream_client_id" => UpstreamClientId is not null,
        _ => false,
    };

    private string? BuiltInProblem(string section)
    {
        if (Issuer is not null || JwksUrl is not null)
        {
            return $"[{section}] server = \"built-in\" is its own issuer (the resource's origin) and has no key set: delete {(Issuer is not null ? "issuer" : "jwks_url")}.";
        }

        if (Resource is null)
        {
            return $"[{section}] server = \"built-in\" needs resource = \"https://my-server.example.workers.dev/mcp\" (this server's MCP URL; its origin is the issuer).";
        }

        if (Upstream is not ("oidc" or "github"))
        {
            return $"[{section}] server = \"built-in\" needs upstream = \"github\" or \"oidc\": where users sign in{(Upstream is null ? "" : $"; it is \"{Upstream}\"")}.";
        }

        if (Upstream == "oidc" && UpstreamUrl is null)
        {
            return $"[{section}] upstream = \"oidc\" needs upstream_url = \"https://accounts.example.com\" (the provider's issuer; its /.well-known/openid-configuration is read).";
        }

        if (UpstreamClientId is null)
        {
            return $"[{section}] server = \"built-in\" needs upstream_client_id = \"…\" (the Worker's client id at the {(Upstream == "github" ? "GitHub OAuth app" : "provider")}); its secret goes in with: dotnet pmcp deploy secrets set PMCP_OAUTH_UPSTREAM_CLIENT_SECRET.";
        }

        if (Database is not null && (Database.Length == 0 || !Database.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            return $"[{section}] database \"{Database}\" must name a D1 binding (letters, digits, underscores).";
        }

        return UrlProblem(section, "resource", Resource)
            ?? (UpstreamUrl is null ? null : UrlProblem(section, "upstream_url", UpstreamUrl))
            ?? (UpstreamApiUrl is null ? null : UrlProblem(section, "upstream_api_url", UpstreamApiUrl))
            ?? (Resource.Contains('#', StringComparison.Ordinal) ? $"[{section}] resource \"{Resource}\" has a fragment (#…); a resource URI has none." : null)
            ?? ScopeProblem(section, Scopes) ?? ScopeProblem(section, ExtraScopes);
    }

    private static string? ScopeProblem(string section, IReadOnlyList<string>? scopes) =>
        scopes?.FirstOrDefault(s => s.Length == 0 || s.Any(c => c is ' ' or '"' or '\\' || char.IsControl(c))) is { } bad
            ? $"[{section}] scopes: \"{bad}\" is not a scope (no spaces, quotes or backslashes); write scopes = [\"mcp\", \"notes:read\"]."
            : null;

    private static string? UrlProblem(string section, string key, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            ? null
            : $"[{section}] {key} \"{url}\" must be an absolute https:// URL (http:// only on loopback, for local development).";
}
