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

    /// <summary>Replaces any value of <paramref name="name"/>.</summary>
    public Headers Set(string name, string value)
    {
        _entries.RemoveAll(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase));
        _entries.Add(new(name, value));
        return this;
    }

    /// <summary>Adds a value, keeping earlier ones (as <c>Set-Cookie</c> needs).</summary>
    public Headers Append(string name, string value)
    {
        _entries.Add(new(name, value));
        return this;
    }

    public bool Has(string name) => this[name] is not null;

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _entries.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
