using System.Globalization;
using System.Text;
using Pmcp.Http;
using Pmcp.Workers.Auth;

namespace Pmcp.Workers;

/// <summary>
/// The MCP endpoint's settings, in one record. <see cref="McpEndpoint"/> takes them from the Worker's environment
/// (<see cref="FromEnv"/>) once per isolate, at the first request that carries that environment, unless they are given
/// to <see cref="McpEndpoint.Create(Pmcp.Server.McpServer, McpEndpointOptions?)"/>. Both hosts read the same vars:
/// workerd from wrangler.toml, <c>.dev.vars</c> and secrets; <c>dev --native</c> from the same files, with
/// <c>--api-key-env</c> and <c>--allow-origin</c> set over them.
/// </summary>
public sealed record McpEndpointOptions
{
    /// <summary>The secret holding the API key.</summary>
    public const string ApiKeyVar = "MCP_API_KEY";

    /// <summary>The var listing the Host names to accept, comma-separated.</summary>
    public const string AllowedHostsVar = "PMCP_ALLOWED_HOSTS";

    /// <summary>The var listing the browser origins to accept, comma-separated.</summary>
    public const string AllowedOriginsVar = "PMCP_ALLOWED_ORIGINS";

    /// <summary>The var setting the request-body limit in bytes.</summary>
    public const string MaxBodyBytesVar = "PMCP_MAX_BODY_BYTES";

    /// <summary>The var choosing how callers are authenticated: <c>none</c>, <c>api-key</c>, <c>oauth</c> or <c>access</c>.</summary>
    public const string AuthModeVar = "PMCP_AUTH_MODE";

    /// <summary>The var naming the OAuth issuer (<see cref="OAuthOptions.Issuer"/>), for <c>PMCP_AUTH_MODE = "oauth"</c>.</summary>
    public const string OAuthIssuerVar = "PMCP_OAUTH_ISSUER";

    /// <summary>The var naming this server's resource URI (<see cref="OAuthOptions.Resource"/>), for <c>PMCP_AUTH_MODE = "oauth"</c>.</summary>
    public const string OAuthResourceVar = "PMCP_OAUTH_RESOURCE";

    /// <summary>The var listing the scopes every request needs (<see cref="OAuthOptions.Scopes"/>), separated by spaces or commas.</summary>
    public const string OAuthScopesVar = "PMCP_OAUTH_SCOPES";

    /// <summary>The var naming the issuer's key set URL (<see cref="OAuthOptions.JwksUrl"/>), when its metadata does not.</summary>
    public const string OAuthJwksUrlVar = "PMCP_OAUTH_JWKS_URL";

    /// <summary>The var choosing the authorization server for <c>PMCP_AUTH_MODE = "oauth"</c>: <c>external</c> (the default, <see cref="OAuthIssuerVar"/>) or <c>built-in</c>.</summary>
    public const string OAuthServerVar = "PMCP_OAUTH_SERVER";

    /// <summary>The var naming the D1 binding the built-in authorization server keeps grants in (<c>OAUTH_DB</c> by default).</summary>
    public const string OAuthDatabaseVar = "PMCP_OAUTH_DB";

    /// <summary>The var listing scopes clients may ask the built-in server for beyond <see cref="OAuthScopesVar"/>.</summary>
    public const string OAuthExtraScopesVar = "PMCP_OAUTH_EXTRA_SCOPES";

    /// <summary>The var setting the built-in server's access token lifetime in seconds (3600 by default).</summary>
    public const string OAuthAccessTokenTtlVar = "PMCP_OAUTH_ACCESS_TOKEN_TTL";

    /// <summary>The var naming the built-in server's sign-in provider: <c>oidc</c> or <c>github</c>.</summary>
    public const string UpstreamVar = "PMCP_OAUTH_UPSTREAM";

    /// <summary>The var holding the sign-in provider's URL: an OpenID Connect issuer, or GitHub's address (https://github.com by default).</summary>
    public const string UpstreamUrlVar = "PMCP_OAUTH_UPSTREAM_URL";

    /// <summary>The var holding GitHub's API address (https://api.github.com by default).</summary>
    public const string UpstreamApiUrlVar = "PMCP_OAUTH_UPSTREAM_API_URL";

    /// <summary>The var holding this server's client id at the sign-in provider.</summary>
    public const string UpstreamClientIdVar = "PMCP_OAUTH_UPSTREAM_CLIENT_ID";

    /// <summary>The secret holding this server's client secret at the sign-in provider.</summary>
    public const string UpstreamClientSecretVar = "PMCP_OAUTH_UPSTREAM_CLIENT_SECRET";

    /// <summary>The var turning sessions on (<c>true</c>) for clients of the revisions with <c>initialize</c>: <c>[mcp] sessions</c> in deploy.toml.</summary>
    public const string SessionsVar = "PMCP_SESSIONS";

    /// <summary>The var giving an idle session's lifetime in seconds (<c>[mcp] session_ttl</c>); 1800 unless set.</summary>
    public const string SessionTtlVar = "PMCP_SESSION_TTL";

    /// <summary>The body limit when <see cref="MaxBodyBytesVar"/> is not set: 4 MiB.</summary>
    public const int DefaultMaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// When set, requests must carry <c>Authorization: Bearer &lt;key&gt;</c>. A key that is set but blank is a
    /// mistake, never "no auth": every MCP request is then refused with 500 and a log line.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>Host names (without port) a request may name in its <c>Host</c> header; empty allows any.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Browser origins (<c>scheme://host[:port]</c>) to accept besides same-origin pages; <c>*</c> allows all.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// Bodies above this size are refused with 413. Both hosts refuse a body over the Worker's limit before reading
    /// it (by its <c>Content-Length</c>, or as soon as it grows past it); a smaller limit here applies after that.
    /// </summary>
    public int MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// When set, the endpoint is an OAuth 2.1 resource server (<see cref="OAuthResourceServer"/>): requests need a JWT
    /// access token from <see cref="OAuthOptions.Issuer"/> for <see cref="OAuthOptions.Resource"/>, and the protected
    /// resource metadata is served at <c>/.well-known/oauth-protected-resource</c> and its path-suffixed form (by the
    /// whole-Worker endpoint, <see cref="McpEndpoint.Worker(Pmcp.Server.McpServer, McpEndpointOptions?)"/>). Not with
    /// <see cref="ApiKey"/>: one credential per request.
    /// </summary>
    public OAuthOptions? OAuth { get; init; }

    /// <summary>
    /// When set, the Worker is its own OAuth 2.1 authorization server (<see cref="BuiltInAuthorizationServer"/>, served
    /// by the whole-Worker endpoint) and the MCP endpoint takes that server's opaque access tokens. Not with
    /// <see cref="ApiKey"/> or <see cref="OAuth"/>.
    /// </summary>
    public AuthorizationServerOptions? AuthorizationServer { get; init; }

    /// <summary>
    /// When set, the Worker sits behind Cloudflare Access and each request's <c>Cf-Access-Jwt-Assertion</c> is checked
    /// (<see cref="CloudflareAccessAuthenticator"/>); the caller is the signed-in user. Not with <see cref="ApiKey"/>,
    /// <see cref="OAuth"/> or <see cref="AuthorizationServer"/>.
    /// </summary>
    public CloudflareAccessOptions? Access { get; init; }

    /// <summary>The var naming the Cloudflare Access team domain (<c>PMCP_AUTH_MODE = "access"</c>), such as <c>myteam.cloudflareaccess.com</c>.</summary>
    public const string AccessTeamDomainVar = "PMCP_ACCESS_TEAM_DOMAIN";

    /// <summary>The var holding the Access application's AUD tag (<c>PMCP_AUTH_MODE = "access"</c>).</summary>
    public const string AccessAudienceVar = "PMCP_ACCESS_AUD";

    /// <summary>
    /// The structured request log: one JSON line per JSON-RPC message (<see cref="RequestLogOptions"/>). Null: the
    /// server's own (<see cref="Pmcp.Server.McpServerBuilder.WithRequestLog"/>), else none. <see cref="FromEnv"/> sets
    /// it from <c>PMCP_REQUEST_LOG</c> (<c>off</c>, <c>errors</c>, <c>all</c>), <c>PMCP_REQUEST_LOG_SAMPLE_RATE</c>
    /// (the share of <c>ok</c> lines kept, 0 to 1) and <c>PMCP_REQUEST_LOG_ARGUMENT_NAMES</c> (<c>true</c>: argument
    /// names, never values). Its <see cref="RequestLogOptions.Writer"/> is the Worker's console.
    /// </summary>
    public RequestLogOptions? RequestLog { get; init; }

    /// <summary>
    /// Sessions for clients of the revisions with <c>initialize</c> (docs/sessions.md); null: stateless (the default).
    /// <see cref="FromEnv"/> sets it when <c>PMCP_SESSIONS</c> is <c>true</c>, with <c>PMCP_SESSION_TTL</c> (seconds).
    /// </summary>
    public McpSessionOptions? Sessions { get; init; }

    /// <summary>The var that sets <see cref="LogExceptionMessages"/>: <c>true</c> or <c>false</c>.</summary>
    public const string ExceptionMessagesVar = Pmcp.Server.ExceptionText.MessagesVar;

    /// <summary>
    /// Whether a handler's failure is logged with its exception's message (and those inside it). Off by default: a
    /// message may quote an argument or a secret, so the log has the exception's type and stack frames only. For
    /// debugging; <see cref="FromEnv"/> sets it from <c>PMCP_LOG_EXCEPTION_MESSAGES</c>.
    /// </summary>
    public bool LogExceptionMessages { get; init; }

    /// <summary>What <see cref="FromEnv"/> found wrong with the request log vars (logged once; the log then keeps errors only).</summary>
    internal string? RequestLogWarning { get; init; }

    /// <summary>True when <see cref="ApiKey"/> is set but blank: MCP requests are refused until it is fixed.</summary>
    public bool HasEmptyApiKey => ApiKey is not null && string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>What <see cref="FromEnv"/> found wrong with the authentication vars; null when nothing.</summary>
    internal string? AuthError { get; init; }

    /// <summary>Why these settings cannot serve (every MCP request is then refused with 500 and a log line); null when they can.</summary>
    internal string? Misconfiguration =>
        HasEmptyApiKey ? "the secret MCP_API_KEY is set but empty"
        : AuthError
        ?? ((ApiKey is not null ? 1 : 0) + (OAuth is not null ? 1 : 0) + (AuthorizationServer is not null ? 1 : 0) + (Access is not null ? 1 : 0) > 1
            ? "more than one of an API key, OAuth, the built-in authorization server and Cloudflare Access is set: choose one (PMCP_AUTH_MODE)" : null);

    /// <summary>
    /// The settings the environment holds: <c>MCP_API_KEY</c>, <c>PMCP_ALLOWED_HOSTS</c>, <c>PMCP_ALLOWED_ORIGINS</c>,
    /// <c>PMCP_MAX_BODY_BYTES</c> (a positive integer; anything else keeps the default), and how callers are
    /// authenticated, <c>PMCP_AUTH_MODE</c>:
    /// <list type="bullet">
    /// <item>unset: an API key when <c>MCP_API_KEY</c> is set, else none (as before the var existed);</item>
    /// <item><c>none</c>: no authentication, even with <c>MCP_API_KEY</c> set;</item>
    /// <item><c>api-key</c>: <c>MCP_API_KEY</c> is required (missing, every request is refused: never open by mistake);</item>
    /// <item><c>oauth</c>: a resource server (<see cref="OAuth"/>) for <c>PMCP_OAUTH_ISSUER</c> and
    /// <c>PMCP_OAUTH_RESOURCE</c> (both required), with <c>PMCP_OAUTH_SCOPES</c> and <c>PMCP_OAUTH_JWKS_URL</c> optional.</item>
    /// <item><c>access</c>: behind Cloudflare Access (<see cref="Access"/>), for <c>PMCP_ACCESS_TEAM_DOMAIN</c> and
    /// <c>PMCP_ACCESS_AUD</c> (both required).</item>
    /// </list>
    /// Any other mode, or an incomplete one, refuses every MCP request with 500 and says why in the log.
    /// </summary>
    public static McpEndpointOptions FromEnv(Env env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var options = new McpEndpointOptions
        {
            AllowedHosts = Split(env.GetOrDefault(AllowedHostsVar)),
            AllowedOrigins = Split(env.GetOrDefault(AllowedOriginsVar)),
            MaxRequestBodyBytes = BodyLimit(env.GetOrDefault(MaxBodyBytesVar)),
            Sessions = SessionsOf(env),
            LogExceptionMessages = IsOn(env.GetOrDefault(ExceptionMessagesVar)),
        };
        options = WithRequestLog(options, env);
        var key = env.GetOrDefault(ApiKeyVar);
        var mode = env.GetOrDefault(AuthModeVar)?.Trim();
        switch (mode)
        {
            case null or "":
                return options with { ApiKey = key };
            case "none":
                return options;
            case "api-key":
                return key is null
                    ? options with { AuthError = "PMCP_AUTH_MODE is api-key but the secret MCP_API_KEY is not set" }
                    : options with { ApiKey = key };
            case "oauth" when NonBlank(env.GetOrDefault(OAuthServerVar)) is "built-in":
                return BuiltIn(env, options);
            case "oauth" when NonBlank(env.GetOrDefault(OAuthServerVar)) is { } server && server != "external":
                return options with { AuthError = $"PMCP_OAUTH_SERVER must be external or built-in; it is '{server}'" };
            case "oauth":
                var issuer = NonBlank(env.GetOrDefault(OAuthIssuerVar));
                var resource = NonBlank(env.GetOrDefault(OAuthResourceVar));
                if (issuer is null || resource is null)
                {
                    return options with { AuthError = $"PMCP_AUTH_MODE is oauth but {(issuer is null ? OAuthIssuerVar : OAuthResourceVar)} is not set" };
                }

                return options with
                {
                    OAuth = new OAuthOptions
                    {
                        Issuer = issuer,
                        Resource = resource,
                        Scopes = SplitScopes(env.GetOrDefault(OAuthScopesVar)),
                        JwksUrl = NonBlank(env.GetOrDefault(OAuthJwksUrlVar)),
                    },
                };
            case "access":
                var team = NonBlank(env.GetOrDefault(AccessTeamDomainVar));
                var audience = NonBlank(env.GetOrDefault(AccessAudienceVar));
                return team is null || audience is null
                    ? options with { AuthError = $"PMCP_AUTH_MODE is access but {(team is null ? AccessTeamDomainVar : AccessAudienceVar)} is not set" }
                    : options with { Access = new CloudflareAccessOptions { TeamDomain = team, Audience = audience } };
            default:
                return options with { AuthError = $"PMCP_AUTH_MODE must be none, api-key, oauth or access; it is '{mode}'" };
        }
    }

    /// <summary>The built-in authorization server's settings: <c>PMCP_OAUTH_RESOURCE</c>, the upstream provider's, and the optional ones.</summary>
    private static McpEndpointOptions BuiltIn(Env env, McpEndpointOptions options)
    {
        var resource = NonBlank(env.GetOrDefault(OAuthResourceVar));
        var upstream = NonBlank(env.GetOrDefault(UpstreamVar));
        var clientId = NonBlank(env.GetOrDefault(UpstreamClientIdVar));
        var secret = NonBlank(env.GetOrDefault(UpstreamClientSecretVar));
        var url = NonBlank(env.GetOrDefault(UpstreamUrlVar));
        var missing = resource is null ? OAuthResourceVar
            : upstream is not ("oidc" or "github") ? UpstreamVar + " (oidc or github)"
            : upstream == "oidc" && url is null ? UpstreamUrlVar + " (the OpenID Connect issuer)"
            : clientId is null ? UpstreamClientIdVar
            : secret is null ? "the secret " + UpstreamClientSecretVar
            : null;
        if (missing is not null)
        {
            return options with { AuthError = $"PMCP_OAUTH_SERVER is built-in but {missing} is not set" };
        }

        var ttl = int.TryParse(env.GetOrDefault(OAuthAccessTokenTtlVar), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 3600;
        return options with
        {
            AuthorizationServer = new AuthorizationServerOptions
            {
                Resource = resource!,
                Scopes = SplitScopes(env.GetOrDefault(OAuthScopesVar)),
                ExtraScopes = SplitScopes(env.GetOrDefault(OAuthExtraScopesVar)),
                Database = NonBlank(env.GetOrDefault(OAuthDatabaseVar)) ?? AuthorizationServerOptions.DefaultDatabase,
                AccessTokenLifetime = TimeSpan.FromSeconds(ttl),
                Upstream = new UpstreamProvider
                {
                    Kind = upstream == "github" ? UpstreamKind.GitHub : UpstreamKind.OpenIdConnect,
                    Url = url ?? UpstreamProvider.GitHubUrl,
                    ApiUrl = NonBlank(env.GetOrDefault(UpstreamApiUrlVar)) ?? UpstreamProvider.GitHubApiUrl,
                    ClientId = clientId!,
                    ClientSecret = secret!,
                },
            },
        };
    }

    /// <summary>The request log the vars ask for; a value that is not one is reported and read as <c>errors</c>.</summary>
    private static McpEndpointOptions WithRequestLog(McpEndpointOptions options, Env env)
    {
        var levelText = env.GetOrDefault(RequestLogOptions.LevelVar);
        var rateText = env.GetOrDefault(RequestLogOptions.SampleRateVar);
        var namesText = env.GetOrDefault(RequestLogOptions.ArgumentNamesVar);
        if (levelText is null && rateText is null && namesText is null)
        {
            return options;
        }

        var warnings = new List<string>();
        var level = RequestLogLevel.All;
        if (levelText is not null && !RequestLogOptions.TryParseLevel(levelText, out level))
        {
            level = RequestLogLevel.Errors;
            warnings.Add($"{RequestLogOptions.LevelVar} must be off, errors or all; it is '{levelText.Trim()}', so only errors are logged");
        }

        var rate = 1.0;
        if (rateText is not null && !RequestLogOptions.TryParseSampleRate(rateText, out rate))
        {
            warnings.Add($"{RequestLogOptions.SampleRateVar} must be a number from 0 to 1 (e.g. 0.1 keeps one ok line in ten); it is '{rateText.Trim()}', so every line is kept");
        }

        var names = IsOn(namesText);
        return options with
        {
            RequestLog = new RequestLogOptions { Level = level, OkSampleRate = rate, ArgumentNames = names },
            RequestLogWarning = warnings.Count == 0 ? null : string.Join("; ", warnings),
        };
    }

    /// <summary>Sessions when <c>PMCP_SESSIONS</c> is <c>true</c>, with the idle lifetime <c>PMCP_SESSION_TTL</c> gives (seconds; anything else keeps 30 minutes).</summary>
    private static McpSessionOptions? SessionsOf(Env env)
    {
        if (!IsOn(env.GetOrDefault(SessionsVar)))
        {
            return null;
        }

        var sessions = new McpSessionOptions();
        if (int.TryParse(env.GetOrDefault(SessionTtlVar), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            sessions.IdleTimeout = TimeSpan.FromSeconds(seconds);
        }

        return sessions;
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string[] SplitScopes(string? list) =>
        list?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray() ?? [];

    /// <summary>The body limit a value of <c>PMCP_MAX_BODY_BYTES</c> sets, as the JS host reads it.</summary>
    internal static int BodyLimit(string? value) =>
        int.TryParse(value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : DefaultMaxRequestBodyBytes;

    /// <summary>The handler's options; <paramref name="routed"/>: a Router chose the route, so no health path of its own.</summary>
    internal StreamableHttpOptions ToHttpOptions(bool routed)
    {
        // No request lines unless the endpoint chooses them (McpEndpoint.RequestLogOf): never for the warm-up.
        var options = new StreamableHttpOptions { ApiKey = ApiKey, MaxRequestBodyBytes = MaxRequestBodyBytes, RequestLog = RequestLogOptions.Off, Sessions = Sessions };
        if (routed)
        {
            options.HealthPath = null;
        }

        foreach (var host in AllowedHosts)
        {
            options.AllowedHosts.Add(host);
        }

        foreach (var origin in AllowedOrigins)
        {
            options.AllowedOrigins.Add(origin);
        }

        return options;
    }

    /// <summary>Whether a switch var is on: <c>true</c>, <c>1</c> or <c>yes</c>, in any case, spaces around ignored.</summary>
    private static bool IsOn(string? value) => value?.Trim().ToLowerInvariant() is "true" or "1" or "yes";

    private static string[] Split(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Never prints the key: a record's <c>ToString</c> often ends up in a log.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ApiKey = ").Append(ApiKey is null ? "(none)" : HasEmptyApiKey ? "(empty)" : "(set)")
            .Append(", AllowedHosts = [").AppendJoin(", ", AllowedHosts)
            .Append("], AllowedOrigins = [").AppendJoin(", ", AllowedOrigins)
            .Append("], MaxRequestBodyBytes = ").Append(MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture))
            .Append(", OAuth = ").Append(OAuth is null ? "(none)" : OAuth.ToString())
            .Append(", AuthorizationServer = ").Append(AuthorizationServer is null ? "(none)" : AuthorizationServer.ToString())
            .Append(", Sessions = ").Append(Sessions is null ? "off" : "on")
            .Append(", RequestLog = ").Append(RequestLog is null ? "(server's)" : RequestLog.Level.ToString())
            .Append(", LogExceptionMessages = ").Append(LogExceptionMessages ? "true" : "false");
        return true;
    }
}
