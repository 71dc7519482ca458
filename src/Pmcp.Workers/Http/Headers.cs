using System.Buffers;

namespace Pmcp.Workers.Http;

/// <summary>HTTP headers with case-insensitive names, as the Fetch API's <c>Headers</c>.</summary>
public sealed class Headers : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    public string? this[string name]
    {
        get
        {
            string? found = null;
            foreach (var (key, value) in _entries)
            {
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = found is null ? value : $"{found}, {value}";
                }
            }

            return found;
        }
    }

    public int Count => _entries.Count;

    /// <summary>RFC 9110's token characters: what a header name is made of.</summary>
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>What no header value may hold: a line break would start a header (or a body) of the sender's choosing.</summary>
    private static readonly SearchValues<char> ForbiddenInValues = SearchValues.Create("\r\n\0");

    /// <summary>Replaces any value of <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a header name, or the value holds CR, LF or NUL.</exception>
    public Headers Set(string name, string value)
    {
        Validate(name, value);
        _entries.RemoveAll(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase));
        _entries.Add(new(name, value));
        return this;
    }

    /// <summary>Adds a value, keeping earlier ones (as <c>Set-Cookie</c> needs).</summary>
    /// <exception cref="ArgumentException">The name is not a header name, or the value holds CR, LF or NUL.</exception>
    public Headers Append(string name, string value)
    {
        Validate(name, value);
        _entries.Add(new(name, value));
        return this;
    }

    public bool Has(string name) => this[name] is not null;

    /// <summary>
    /// Refuses what .NET's and workerd's own header types refuse. A value echoed from a request (a route parameter, a
    /// query string) that carries a line break must never become a second header: encode such input first.
    /// </summary>
    private static void Validate(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(TokenChars))
        {
            throw new ArgumentException($"'{Printable(name)}' is not a header name: use letters, digits and !#$%&'*+-.^_`|~ only.", nameof(name));
        }

        if (value.AsSpan().ContainsAny(ForbiddenInValues))
        {
            throw new ArgumentException($"The value of header '{name}' holds a line break or NUL, which would end the header: header values cannot contain CR, LF or NUL (encode input before putting it in a header).", nameof(value));
        }
    }

    private static string Printable(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
