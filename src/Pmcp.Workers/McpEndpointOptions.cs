using System.Globalization;
using System.Text;
using Pmcp.Http;

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

    /// <summary>True when <see cref="ApiKey"/> is set but blank: MCP requests are refused until it is fixed.</summary>
    public bool HasEmptyApiKey => ApiKey is not null && string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>
    /// The settings the environment holds: <c>MCP_API_KEY</c>, <c>PMCP_ALLOWED_HOSTS</c>, <c>PMCP_ALLOWED_ORIGINS</c>
    /// and <c>PMCP_MAX_BODY_BYTES</c> (a positive integer; anything else keeps the default).
    /// </summary>
    public static McpEndpointOptions FromEnv(Env env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return new McpEndpointOptions
        {
            ApiKey = env.GetOrDefault(ApiKeyVar),
            AllowedHosts = Split(env.GetOrDefault(AllowedHostsVar)),
            AllowedOrigins = Split(env.GetOrDefault(AllowedOriginsVar)),
            MaxRequestBodyBytes = BodyLimit(env.GetOrDefault(MaxBodyBytesVar)),
        };
    }

    /// <summary>The body limit a value of <c>PMCP_MAX_BODY_BYTES</c> sets, as the JS host reads it.</summary>
    internal static int BodyLimit(string? value) =>
        int.TryParse(value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var limit) && limit > 0 ? limit : DefaultMaxRequestBodyBytes;

    /// <summary>The handler's options; <paramref name="routed"/>: a Router chose the route, so no health path of its own.</summary>
    internal StreamableHttpOptions ToHttpOptions(bool routed)
    {
        var options = new StreamableHttpOptions { ApiKey = ApiKey, MaxRequestBodyBytes = MaxRequestBodyBytes };
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

    private static string[] Split(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>Never prints the key: a record's <c>ToString</c> often ends up in a log.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ApiKey = ").Append(ApiKey is null ? "(none)" : HasEmptyApiKey ? "(empty)" : "(set)")
            .Append(", AllowedHosts = [").AppendJoin(", ", AllowedHosts)
            .Append("], AllowedOrigins = [").AppendJoin(", ", AllowedOrigins)
            .Append("], MaxRequestBodyBytes = ").Append(MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture));
        return true;
    }
}
