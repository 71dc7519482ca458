using System.Text;

namespace Pmcp.Http;

/// <summary>
/// The little URL handling the engine and the Workers runtime need — split a URL, percent-decode — written here
/// so that neither pulls in System.Private.Uri, which would add ~28 KB gzip to every Worker.
/// </summary>
public static class UrlText
{
    /// <summary>Splits <c>scheme://authority/path?query#fragment</c>; parts that are absent are empty strings.</summary>
    public static (string Scheme, string Authority, string Path, string Query) Split(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : url[..schemeEnd].ToLowerInvariant();
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        var fragment = rest.IndexOf('#', StringComparison.Ordinal);
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        var pathStart = schemeEnd < 0 ? 0 : IndexOfAny(rest, '/', '?');
        var authority = rest[..pathStart];
        var pathAndQuery = rest[pathStart..];
        var queryStart = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart];
        var query = queryStart < 0 ? "" : pathAndQuery[(queryStart + 1)..];
        return (scheme, authority, path.Length == 0 ? "/" : path, query);
    }

    /// <summary>Decodes <c>%XX</c> escapes (as UTF-8); malformed escapes are kept as they are.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add((byte)((Hex(text[i + 1]) << 4) | Hex(text[i + 2])));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static int IndexOfAny(string text, char a, char b)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == a || text[i] == b)
            {
                return i;
            }
        }

        return text.Length;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int Hex(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
