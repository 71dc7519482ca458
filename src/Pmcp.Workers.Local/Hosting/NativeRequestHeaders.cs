using Microsoft.AspNetCore.Http;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>Kestrel's request headers read in place as the Worker's <see cref="Headers"/>: no copy per request.</summary>
internal sealed class NativeRequestHeaders(IHeaderDictionary headers) : IHeaderView
{
    public int Count => headers.Count;

    public string? Get(string name)
    {
        if (!headers.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        // As the Fetch API's Headers.get: several values in one, joined by ", ".
        return values.Count == 1 ? values[0] : string.Join(", ", (IEnumerable<string?>)values);
    }

    public IEnumerable<KeyValuePair<string, string>> All()
    {
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                yield return new(name, value ?? "");
            }
        }
    }
}
