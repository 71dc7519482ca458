using System.Net;

namespace Pmcp.Workers.Auth;

/// <summary>
/// OAuth 2.1's redirect URI rules (§2.3.1, §4.1.1; RFC 8252 §7.3): a registered URI is compared exactly, as a string,
/// except that a native client on a loopback address may use any port, since it listens on whatever port is free.
/// </summary>
internal static class RedirectUris
{
    /// <summary>Whether a client may register <paramref name="uri"/>: absolute, no fragment; https, http on loopback, or a private-use scheme (an app's).</summary>
    public static bool IsAcceptable(string uri)
    {
        if (uri.Length > 2000 || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || uri.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        return parsed.Scheme switch
        {
            "https" => true,
            "http" => IsLoopback(parsed),
            // Schemes that run or read something where they are opened are never a redirect target.
            "javascript" or "data" or "file" or "vbscript" or "blob" or "about" or "ftp" or "ws" or "wss" => false,
            _ => true,
        };
    }

    /// <summary>Whether <paramref name="requested"/> is one of <paramref name="registered"/>, exactly, or with another port on loopback.</summary>
    public static bool Matches(IReadOnlyList<string> registered, string requested)
    {
        if (registered.Contains(requested, StringComparer.Ordinal))
        {
            return true;
        }

        if (!Uri.TryCreate(requested, UriKind.Absolute, out var asked) || asked.Scheme != "http" || !IsLoopback(asked) || requested.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var candidate in registered)
        {
            if (Uri.TryCreate(candidate, UriKind.Absolute, out var known) && known.Scheme == "http" && IsLoopback(known)
                && string.Equals(known.Host, asked.Host, StringComparison.Ordinal)
                && string.Equals(WithoutPort(candidate, known), WithoutPort(requested, asked), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The URI as written, its port taken out: everything else still compared as text.</summary>
    private static string WithoutPort(string text, Uri uri)
    {
        var authority = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = text.IndexOfAny(['/', '?'], authority);
        var hostPort = end < 0 ? text[authority..] : text[authority..end];
        var host = uri.IsDefaultPort && !hostPort.EndsWith(":" + uri.Port, StringComparison.Ordinal) ? hostPort : hostPort[..hostPort.LastIndexOf(':')];
        return text[..authority] + host + (end < 0 ? "" : text[end..]);
    }

    private static bool IsLoopback(Uri uri) =>
        uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
