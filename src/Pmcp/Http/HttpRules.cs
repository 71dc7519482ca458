using System.Text;
using System.Text.Json;

namespace Pmcp.Http;

/// <summary>The small header rules of the Streamable HTTP endpoint, each on its own so it can be read and tested.</summary>
internal static class HttpRules
{
    /// <summary>The header that names the protocol revision a request speaks.</summary>
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";

    /// <summary>Which response types an <c>Accept</c> header allows; a missing header allows both.</summary>
    public static (bool Json, bool EventStream) ParseAccept(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return (true, true);
        }

        if (!System.Text.Ascii.IsValid(accept))
        {
            return ParseAcceptText(accept);
        }

        // The usual ASCII header, read in place: the same answer as ParseAcceptText, without its strings and arrays.
        bool json = false, sse = false;
        var rest = accept.AsSpan();
        while (true)
        {
            var comma = rest.IndexOf(',');
            var range = (comma < 0 ? rest : rest[..comma]).Trim();
            if (!range.IsEmpty)
            {
                AcceptRange(range, ref json, ref sse);
            }

            if (comma < 0)
            {
                break;
            }

            rest = rest[(comma + 1)..];
        }

        return (json, sse);
    }

    /// <summary>One media range of an ASCII <c>Accept</c> header (trimmed, not empty), as <see cref="ParseAcceptText"/> reads it.</summary>
    private static void AcceptRange(ReadOnlySpan<char> range, ref bool json, ref bool sse)
    {
        var semicolon = range.IndexOf(';');
        var type = (semicolon < 0 ? range : range[..semicolon]).Trim();
        if (semicolon >= 0)
        {
            var parameters = range[(semicolon + 1)..];
            while (true)
            {
                var next = parameters.IndexOf(';');
                if (IsZeroQuality((next < 0 ? parameters : parameters[..next]).Trim()))
                {
                    return;
                }

                if (next < 0)
                {
                    break;
                }

                parameters = parameters[(next + 1)..];
            }
        }

        // ASCII only here, where lower-casing invariantly and comparing ordinally ignoring case agree.
        if (type.Equals("*/*", StringComparison.Ordinal))
        {
            json = sse = true;
        }
        else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Equals("application/*", StringComparison.OrdinalIgnoreCase))
        {
            json = true;
        }
        else if (type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase) || type.Equals("text/*", StringComparison.OrdinalIgnoreCase))
        {
            sse = true;
        }
    }

    /// <summary>Whether a (trimmed) parameter, its spaces removed, is <c>q=0</c>, <c>q=0.0</c>, <c>q=0.00</c> or <c>q=0.000</c>.</summary>
    private static bool IsZeroQuality(ReadOnlySpan<char> parameter)
    {
        Span<char> squeezed = stackalloc char[8];
        var length = 0;
        foreach (var c in parameter)
        {
            if (c == ' ')
            {
                continue;
            }

            if (length == squeezed.Length)
            {
                return false;
            }

            squeezed[length++] = c;
        }

        return squeezed[..length] is "q=0" or "q=0.0" or "q=0.00" or "q=0.000";
    }

    /// <summary>The <c>Accept</c> header read as text: any header with non-ASCII characters (the fast path reads the rest alike).</summary>
    internal static (bool Json, bool EventStream) ParseAcceptText(string accept)
    {
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
        var name = HostName(authority.AsSpan());
        return name.Length == authority.Length ? authority : name.ToString();
    }

    public static bool HostAllowed(string? host, StreamableHttpOptions options) =>
        options.AllowedHosts.Count == 0 || (host is not null && IsAllowedHost(HostName(host.AsSpan().Trim()), options));

    /// <summary>Whether a host name is one of <see cref="StreamableHttpOptions.AllowedHosts"/>, compared in place: no substring, no enumerator.</summary>
    private static bool IsAllowedHost(ReadOnlySpan<char> name, StreamableHttpOptions options)
    {
        var allowed = options.AllowedHosts;
        for (var i = 0; i < allowed.Count; i++)
        {
            if (allowed[i] is { } entry && name.Equals(entry, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="HostName(string)"/> on a span, as a slice of it.</summary>
    private static ReadOnlySpan<char> HostName(ReadOnlySpan<char> authority)
    {
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            return close < 0 ? authority : authority[..(close + 1)];
        }

        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    /// <summary>Same-origin pages, listed origins, and origins on an allowed host may call; nothing else.</summary>
    public static bool OriginAllowed(string origin, string? host, StreamableHttpOptions options)
    {
        if (options.AllowedOrigins.Contains("*") || options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var (scheme, authority, path, query) = UrlText.Split(origin);
        if (scheme is not ("http" or "https") || authority.Length == 0 || path != "/" || query.Length != 0 || authority.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        if (host is not null && string.Equals(authority, host.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IsAllowedHost(HostName(authority.AsSpan()), options);
    }

    /// <summary>
    /// Compares the bearer token in constant time: the loop runs over the expected key whatever was presented, so its
    /// time tells nothing about how much of the key matched (nor the presented length). Hand-written rather than
    /// System.Security.Cryptography's, which would add an assembly to every Worker.
    /// </summary>
    public static bool BearerMatches(string? authorization, string apiKey)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        var expected = Encoding.UTF8.GetBytes(apiKey);
        var difference = presented.Length ^ expected.Length;
        for (var i = 0; i < expected.Length; i++)
        {
            difference |= expected[i] ^ (presented.Length == 0 ? 0 : presented[i % presented.Length]);
        }

        return difference == 0 && expected.Length > 0;
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

    /// <summary>
    /// Whether a valid JSON text escapes a lone UTF-16 surrogate (<c>"\ud800"</c>) in a string or property name. Such a
    /// string has no .NET value: reading it (an id, a method, a <c>_meta</c> field) would throw deep inside the
    /// request's handling instead of answering a parse error.
    /// </summary>
    public static bool EscapesLoneSurrogate(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\\u"u8) < 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
