using System.Text.Json.Serialization;

namespace Pmcp.Workers.Http;

/// <summary>
/// Workers' <c>cf</c> options of an outbound request: how Cloudflare's cache treats it (shaped after workers-rs's
/// <c>CfProperties</c>). Set them with <see cref="CfRequestExtensions.SetCf"/>. They take effect on Cloudflare; locally
/// (workerd under <c>dotnet pmcp dev</c>, and the native host) there is no Cloudflare cache and they change nothing.
/// </summary>
public sealed class CfProperties
{
    /// <summary>Cache the response for this many seconds, whatever its headers say (0: do not cache; negative: never).</summary>
    [JsonPropertyName("cacheTtl")]
    public int? CacheTtl { get; init; }

    /// <summary>Cache every content type, not only the static ones Cloudflare caches by default.</summary>
    [JsonPropertyName("cacheEverything")]
    public bool? CacheEverything { get; init; }

    /// <summary>The cache key to store and look the response up under, instead of the URL (Enterprise zones).</summary>
    [JsonPropertyName("cacheKey")]
    public string? CacheKey { get; init; }

    /// <summary>Time to live by status code or range, e.g. <c>{ ["200-299"] = 86400, ["404"] = 1, ["500-599"] = 0 }</c>.</summary>
    [JsonPropertyName("cacheTtlByStatus")]
    public IReadOnlyDictionary<string, int>? CacheTtlByStatus { get; init; }

    /// <summary>Tags to purge the cached response by.</summary>
    [JsonPropertyName("cacheTags")]
    public IReadOnlyList<string>? CacheTags { get; init; }

    /// <summary>Send the request to this host name instead of the URL's (it must be in the same zone).</summary>
    [JsonPropertyName("resolveOverride")]
    public string? ResolveOverride { get; init; }
}
