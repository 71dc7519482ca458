using System.Security.Cryptography;

namespace Pmcp.Workers.Crypto;

/// <summary>
/// The algorithm a <see cref="CryptoKey"/> belongs to, as WebCrypto fixes it at import or generation: a key signs,
/// encrypts or derives with that algorithm only. <see cref="Name"/> is WebCrypto's name for it.
/// </summary>
public abstract record KeyAlgorithm
{
    private protected KeyAlgorithm(string name) => Name = name;

    /// <summary>WebCrypto's algorithm name, e.g. <c>"HMAC"</c> or <c>"RSASSA-PKCS1-v1_5"</c>.</summary>
    public string Name { get; }

    /// <summary>The hash the algorithm signs or encrypts with, when it has one.</summary>
    internal virtual HashAlgorithmName? HashOrNull => null;

    /// <summary>Whether keys of this algorithm come in public/private pairs.</summary>
    internal abstract bool IsAsymmetric { get; }

    /// <summary>The usages a key of this algorithm may have; of a pair, the public half's and the private half's.</summary>
    internal abstract (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages { get; }
}

/// <summary>HMAC with <paramref name="Hash"/> (JWS HS256: SHA-256).</summary>
public sealed record HmacAlgorithm(HashAlgorithmName Hash) : KeyAlgorithm("HMAC")
{
    internal override HashAlgorithmName? HashOrNull => Hash;

    internal override bool IsAsymmetric => false;

    internal override (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages => (KeyUsages.Sign | KeyUsages.Verify, KeyUsages.None, KeyUsages.None);
}

/// <summary>AES in GCM mode (authenticated, a 12-byte IV) or CBC mode (PKCS#7 padding, a 16-byte IV).</summary>
public sealed record AesAlgorithm : KeyAlgorithm
{
    private AesAlgorithm(string name, bool gcm) : base(name) => IsGcm = gcm;

    /// <summary>AES-GCM.</summary>
    public static AesAlgorithm Gcm { get; } = new("AES-GCM", gcm: true);

    /// <summary>AES-CBC.</summary>
    public static AesAlgorithm Cbc { get; } = new("AES-CBC", gcm: false);

    internal bool IsGcm { get; }

    internal override bool IsAsymmetric => false;

    internal override (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages => (KeyUsages.Encrypt | KeyUsages.Decrypt, KeyUsages.None, KeyUsages.None);
}

/// <summary>RSA for one <paramref name="Scheme"/> with <paramref name="Hash"/>.</summary>
public sealed record RsaAlgorithm(RsaScheme Scheme, HashAlgorithmName Hash) : KeyAlgorithm(WebCryptoName(Scheme))
{
    internal override HashAlgorithmName? HashOrNull => Hash;

    internal override bool IsAsymmetric => true;

    internal override (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages => Scheme == RsaScheme.OaepEncryption
        ? (KeyUsages.None, KeyUsages.Encrypt, KeyUsages.Decrypt)
        : (KeyUsages.None, KeyUsages.Verify, KeyUsages.Sign);

    private static string WebCryptoName(RsaScheme scheme) => scheme switch
    {
        RsaScheme.Pkcs1Signature => "RSASSA-PKCS1-v1_5",
        RsaScheme.PssSignature => "RSA-PSS",
        RsaScheme.OaepEncryption => "RSA-OAEP",
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Not an RSA scheme."),
    };
}

/// <summary>ECDSA on <paramref name="Curve"/>, signing with <see cref="Hash"/> (by default the curve's own: SHA-256 for P-256, SHA-384 for P-384).</summary>
public sealed record EcdsaAlgorithm(EcCurve Curve) : KeyAlgorithm("ECDSA")
{
    private readonly HashAlgorithmName? _hash;

    /// <summary>The hash signatures use; JWS ES256 is P-256 with SHA-256, ES384 is P-384 with SHA-384. Set it to sign with another.</summary>
    public HashAlgorithmName Hash
    {
        get => _hash ?? (Curve == EcCurve.P384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256);
        init => _hash = value;
    }

    internal override HashAlgorithmName? HashOrNull => Hash;

    internal string CurveName => Curve switch
    {
        EcCurve.P256 => "P-256",
        EcCurve.P384 => "P-384",
        _ => throw new ArgumentOutOfRangeException(nameof(Curve), Curve, "Not a supported curve."),
    };

    internal override bool IsAsymmetric => true;

    internal override (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages => (KeyUsages.None, KeyUsages.Verify, KeyUsages.Sign);
}

/// <summary>Ed25519 signatures (RFC 8032; JWS EdDSA).</summary>
public sealed record Ed25519Algorithm : KeyAlgorithm
{
    private Ed25519Algorithm() : base("Ed25519")
    {
    }

    /// <summary>The one Ed25519.</summary>
    public static Ed25519Algorithm Instance { get; } = new();

    internal override bool IsAsymmetric => true;

    internal override (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages => (KeyUsages.None, KeyUsages.Verify, KeyUsages.Sign);
}

/// <summary>A key-derivation function's input key: a password for PBKDF2, key material for HKDF. Imported raw only.</summary>
public sealed record DerivationAlgorithm : KeyAlgorithm
{
    private DerivationAlgorithm(string name) : base(name)
    {
    }

    /// <summary>PBKDF2 (RFC 8018).</summary>
    public static DerivationAlgorithm Pbkdf2 { get; } = new("PBKDF2");

    /// <summary>HKDF (RFC 5869).</summary>
    public static DerivationAlgorithm Hkdf { get; } = new("HKDF");

    internal override bool IsAsymmetric => false;

    internal override (KeyUsages Secret, KeyUsages Public, KeyUsages Private) AllowedUsages => (KeyUsages.DeriveBits, KeyUsages.None, KeyUsages.None);
}
