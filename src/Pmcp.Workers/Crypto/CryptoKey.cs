namespace Pmcp.Workers.Crypto;

/// <summary>
/// A key for <see cref="SubtleCrypto"/>, like WebCrypto's <c>CryptoKey</c>: what it is (<see cref="Type"/>,
/// <see cref="Algorithm"/>), what it may do (<see cref="Usages"/>) and whether it may leave (<see cref="Extractable"/>).
/// It holds the key's bytes in a canonical form (secret keys raw, public keys SPKI, private keys PKCS#8) and no host
/// object, so a key made in one request can be used in any other, and nothing outlives it in the JS host.
/// </summary>
public sealed class CryptoKey
{
    private static int _lastId;

    internal CryptoKey(CryptoKeyType type, KeyAlgorithm algorithm, KeyUsages usages, bool extractable, byte[] material)
    {
        Type = type;
        Algorithm = algorithm;
        Usages = usages;
        Extractable = extractable;
        Material = material;
        Id = Interlocked.Increment(ref _lastId);
    }

    /// <summary>Whether this is a secret key, or the public or private half of a pair.</summary>
    public CryptoKeyType Type { get; }

    /// <summary>The algorithm the key is for, fixed at import or generation; the key works with no other.</summary>
    public KeyAlgorithm Algorithm { get; }

    /// <summary>The operations the key may be used for; <see cref="SubtleCrypto"/> refuses any other.</summary>
    public KeyUsages Usages { get; }

    /// <summary>Whether <see cref="SubtleCrypto.ExportKeyAsync"/> and <see cref="SubtleCrypto.ExportJwkAsync"/> may export it.</summary>
    public bool Extractable { get; }

    /// <summary>Of a secret key, its length in bits.</summary>
    public int? LengthBits => Type == CryptoKeyType.Secret ? Material.Length * 8 : null;

    /// <summary>Raw (secret), SPKI (public) or PKCS#8 (private) bytes.</summary>
    internal byte[] Material { get; }

    /// <summary>Names the key to the JS host's cache of imported keys (host/crypto.mjs).</summary>
    internal int Id { get; }

    /// <summary>The form <see cref="Material"/> is in.</summary>
    internal KeyFormat MaterialFormat => Type switch
    {
        CryptoKeyType.Public => KeyFormat.Spki,
        CryptoKeyType.Private => KeyFormat.Pkcs8,
        _ => KeyFormat.Raw,
    };

    /// <summary>Describes the key without its bytes.</summary>
    public override string ToString() => $"CryptoKey({Type} {Algorithm.Name}, usages: {Usages}, extractable: {Extractable})";
}
