namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// A Durable Object's id: 64 hex digits, the same everywhere the object is addressed. Ids made by
/// <see cref="DurableObjectNamespace.IdFromName"/> also carry the name (the same name always gives the same id).
/// </summary>
/// <param name="Hex">The id as 64 lowercase hex digits (<c>id.toString()</c> in JavaScript).</param>
/// <param name="Name">The name the id was derived from, when known; null for unique ids.</param>
public sealed record DurableObjectId(string Hex, string? Name = null)
{
    /// <summary>The id's hex form.</summary>
    public override string ToString() => Hex;

    /// <summary>Whether two ids name the same object (the names are not compared: an id is its hex digits).</summary>
    /// <param name="other">The other id.</param>
    public bool Equals(DurableObjectId? other) => other is not null && string.Equals(Hex, other.Hex, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Hex);

    /// <summary>True when <paramref name="hex"/> has the shape of an id: 64 hex digits.</summary>
    internal static bool IsWellFormed(string hex) => hex.Length == 64 && hex.All(char.IsAsciiHexDigit);
}
