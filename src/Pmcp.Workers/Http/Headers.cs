using System.Buffers;

namespace Pmcp.Workers.Http;

/// <summary>HTTP headers with case-insensitive names, as the Fetch API's <c>Headers</c>.</summary>
public sealed class Headers : IEnumerable<KeyValuePair<string, string>>
{
    /// <summary>The entries; null while a host's own headers are read in place (<see cref="_view"/>, <see cref="_fixed"/>).</summary>
    private List<KeyValuePair<string, string>>? _entries;

    private IHeaderView? _view;

    /// <summary>Entries read in place from a list this object does not own (the MCP handler's answer), until they change.</summary>
    private IReadOnlyList<KeyValuePair<string, string>>? _fixed;

    /// <summary>Creates an empty header list, for a response or a request built in code.</summary>
    public Headers() => _entries = [];

    internal Headers(int capacity) => _entries = new(capacity);

    /// <summary>A host's request headers, read in place until the Worker changes them (natively: Kestrel's, no copy).</summary>
    internal Headers(IHeaderView view) => _view = view;

    /// <summary>Headers read in place from <paramref name="entries"/> (already valid), copied only if they are changed.</summary>
    internal Headers(IReadOnlyList<KeyValuePair<string, string>> entries) => _fixed = entries;

    /// <summary>Gets a header's value, as the Fetch API's <c>headers.get(name)</c>.</summary>
    /// <param name="name">The header name, matched case-insensitively.</param>
    /// <returns>All values under <paramref name="name"/> joined with <c>", "</c>, or <see langword="null"/> when there are none.</returns>
    public string? this[string name]
    {
        get
        {
            if (_view is { } view)
            {
                return view.Get(name);
            }

            string? found = null;
            var entries = _fixed ?? _entries!;
            for (var i = 0; i < entries.Count; i++)
            {
                var (key, value) = entries[i];
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = found is null ? value : $"{found}, {value}";
                }
            }

            return found;
        }
    }

    /// <summary>The number of entries; a header appended several times counts once per value.</summary>
    public int Count => _view?.Count ?? _fixed?.Count ?? _entries!.Count;

    /// <summary>The indexer as a method, for a header lookup delegate.</summary>
    internal string? Get(string name) => this[name];

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
        var entries = Entries();
        entries.RemoveAll(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase));
        entries.Add(new(name, value));
        return this;
    }

    /// <summary>Adds a value, keeping earlier ones (as <c>Set-Cookie</c> needs).</summary>
    /// <exception cref="ArgumentException">The name is not a header name, or the value holds CR, LF or NUL.</exception>
    public Headers Append(string name, string value)
    {
        Validate(name, value);
        Entries().Add(new(name, value));
        return this;
    }

    /// <summary>The entries, copied out of the host's view the first time the headers change.</summary>
    private List<KeyValuePair<string, string>> Entries()
    {
        if (_view is { } view)
        {
            _entries = [.. view.All()];
            _view = null;
        }
        else if (_fixed is { } entries)
        {
            _entries = [.. entries];
            _fixed = null;
        }

        return _entries!;
    }

    /// <summary>Whether any value is present under <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">The header name.</param>
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

    /// <summary>Enumerates the entries as sent, one per value, in order.</summary>
    /// <returns>An enumerator of name/value pairs.</returns>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
        _view is { } view ? view.All().GetEnumerator() : (_fixed ?? _entries!).GetEnumerator();

    /// <summary>The entries as a list, for a host that writes them without an enumerator; false while a host's request headers are read in place.</summary>
    internal bool TryGetList(out IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        entries = _fixed ?? (IReadOnlyList<KeyValuePair<string, string>>?)_entries ?? [];
        return _view is null;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
