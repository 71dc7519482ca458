namespace Pmcp.Workers.DurableObjects;

/// <summary>What <see cref="DurableObjectStorage.ListAsync{T}"/> returns: a key range, a prefix, a limit and a direction.</summary>
public sealed record DurableObjectListOptions
{
    /// <summary>Keys at or after this one (inclusive); null: from the first.</summary>
    public string? Start { get; init; }

    /// <summary>Keys before this one (exclusive); null: to the last.</summary>
    public string? End { get; init; }

    /// <summary>Only keys that start with this; null: every key.</summary>
    public string? Prefix { get; init; }

    /// <summary>In descending key order.</summary>
    public bool Reverse { get; init; }

    /// <summary>At most this many entries; null: all of them.</summary>
    public int? Limit { get; init; }
}
