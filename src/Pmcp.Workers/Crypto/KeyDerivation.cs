using System.Security.Cryptography;

namespace Pmcp.Workers.Crypto;

/// <summary>How <see cref="SubtleCrypto.DeriveBitsAsync"/> turns a <see cref="DerivationAlgorithm"/> key into bits.</summary>
public abstract record KeyDerivation
{
    private protected KeyDerivation()
    {
    }

    /// <summary>The hash of the derivation's HMAC.</summary>
    public abstract HashAlgorithmName Hash { get; }

    internal abstract DerivationAlgorithm Algorithm { get; }
}

/// <summary>PBKDF2 (RFC 8018) with HMAC-<paramref name="Hash"/>, <paramref name="Salt"/> and <paramref name="Iterations"/>.</summary>
public sealed record Pbkdf2Derivation(HashAlgorithmName Hash, ReadOnlyMemory<byte> Salt, int Iterations) : KeyDerivation
{
    /// <inheritdoc/>
    public override HashAlgorithmName Hash { get; } = Hash;

    internal override DerivationAlgorithm Algorithm => DerivationAlgorithm.Pbkdf2;
}

/// <summary>HKDF (RFC 5869) with HMAC-<paramref name="Hash"/>, <paramref name="Salt"/> and <paramref name="Info"/>.</summary>
public sealed record HkdfDerivation(HashAlgorithmName Hash, ReadOnlyMemory<byte> Salt, ReadOnlyMemory<byte> Info) : KeyDerivation
{
    /// <inheritdoc/>
    public override HashAlgorithmName Hash { get; } = Hash;

    internal override DerivationAlgorithm Algorithm => DerivationAlgorithm.Hkdf;
}
