namespace Pmcp.Workers.Http;

/// <summary>A host's own request headers, which <see cref="Headers"/> reads in place until the Worker changes them.</summary>
internal interface IHeaderView
{
    int Count { get; }

    /// <summary>The value of <paramref name="name"/> (case-insensitive), several joined by ", ", or null.</summary>
    string? Get(string name);

    /// <summary>Every (name, value) pair, a name repeated for each of its values.</summary>
    IEnumerable<KeyValuePair<string, string>> All();
}
