using System.Security.Cryptography;
using System.Text;

namespace Pmcp.Http;

/// <summary>The small header rules of the Streamable HTTP endpoint, each on its own so it can be read and tested.</summary>
internal static class HttpRules
{
    /// <summary>Which response types an <c>Accept</c> header allows; a missing header allows both.</summary>
    public static (bool Json, bool EventStream) ParseAccept(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return (true, true);
        }

        bool json = false, sse = false;
        foreach (var range in accept.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"))
            {
                continue;
            }

            switch (parts[0].ToLowerInvariant())
            {
                case "*/*":
                    json = sse = true;
                    break;
                case "application/json" or "application/*":
                    json = true;
                    break;
                case "text/event-stream" or "text/*":
                    sse = true;
                    break;
            }
        }

        return (json, sse);
    }

    public static bool IsJsonContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The host part of a <c>Host</c> header or an origin's authority, without the port.</summary>
    public static string HostName(string authority)
    {
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? authority : authority[..(close + 1)];
        }

        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    public static bool HostAllowed(string? host, StreamableHttpOptions options) =>
        options.AllowedHosts.Count == 0
        || (host is not null && options.AllowedHosts.Contains(HostName(host.Trim()), StringComparer.OrdinalIgnoreCase));

    /// <summary>Same-origin pages, listed origins, and origins on an allowed host may call; nothing else.</summary>
    public static bool OriginAllowed(string origin, string? host, StreamableHttpOptions options)
    {
        if (options.AllowedOrigins.Contains("*") || options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        if (host is not null && string.Equals(uri.Authority, host.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var originHost = uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost.Trim('[', ']')}]" : uri.IdnHost;
        return options.AllowedHosts.Contains(originHost, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Compares the bearer token in constant time (hashing first, so the length leaks nothing either).</summary>
    public static bool BearerMatches(string? authorization, string apiKey)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    /// <summary>
    /// Decodes an <c>Mcp-Name</c>-style header: surrounding whitespace is trimmed and <c>=?base64?…?=</c> is decoded.
    /// Returns null when the value is malformed.
    /// </summary>
    public static string? DecodeHeaderValue(string value)
    {
        value = value.Trim(' ', '\t');
        if (value.StartsWith("=?base64?", StringComparison.Ordinal) && value.EndsWith("?=", StringComparison.Ordinal))
        {
            try
            {
                return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(value[9..^2]));
            }
            catch (Exception e) when (e is FormatException or DecoderFallbackException)
            {
                return null;
            }
        }

        return value.All(c => c is >= ' ' and <= '~' or '\t') ? value : null;
    }
}
