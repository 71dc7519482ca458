using System.Text.Json;

namespace Pmcp.Workers.Http;

/// <summary>Workers' <c>cf</c> options on an <see cref="HttpRequestMessage"/>, for every HttpClient inside workerd.</summary>
public static class CfRequestExtensions
{
    /// <summary>
    /// The option .NET's browser handler hands to <c>fetch()</c> as its init (what <c>new HttpClient()</c> uses inside
    /// workerd); <see cref="WorkersHttpHandler"/> reads the same entry.
    /// </summary>
    private static readonly HttpRequestOptionsKey<IDictionary<string, object>> FetchOptions = new("WebAssemblyFetchOptions");

    /// <summary>Sets the request's <c>cf</c> options (Cloudflare's cache settings); natively they are ignored.</summary>
    public static HttpRequestMessage SetCf(this HttpRequestMessage request, CfProperties cf)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(cf);
        if (!request.Options.TryGetValue(FetchOptions, out var options))
        {
            options = new Dictionary<string, object>();
            request.Options.Set(FetchOptions, options);
        }

        // As JSON: the runtime passes option values to JS as they are, and a string crosses without reflection.
        options["cf"] = JsonSerializer.Serialize(cf, HttpJsonContext.Default.CfProperties);
        return request;
    }

    /// <summary>The <c>cf</c> options set on the request, as the JSON the host parses; null when none.</summary>
    internal static string? CfJson(this HttpRequestMessage request) =>
        request.Options.TryGetValue(FetchOptions, out var options) && options.TryGetValue("cf", out var cf) ? cf as string : null;
}
