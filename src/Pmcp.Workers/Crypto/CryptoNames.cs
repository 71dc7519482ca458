using System.Security.Cryptography;

namespace Pmcp.Workers.Crypto;

/// <summary>The names WebCrypto and JOSE give hashes and keys, and the hashes both hosts offer.</summary>
internal static class CryptoNames
{
    /// <summary>WebCrypto's name for the hash; any other than SHA-1, SHA-256, SHA-384 and SHA-512 is refused.</summary>
    public static string Hash(HashAlgorithmName hash) => hash.Name switch
    {
        "SHA1" => "SHA-1",
        "SHA256" => "SHA-256",
        "SHA384" => "SHA-384",
        "SHA512" => "SHA-512",
        _ => throw new ArgumentException($"The hash must be SHA1, SHA256, SHA384 or SHA512 (HashAlgorithmName); got {hash.Name ?? "none"}.", nameof(hash)),
    };

    public static int HashBytes(HashAlgorithmName hash) => Hash(hash) switch
    {
        "SHA-1" => 20,
        "SHA-256" => 32,
        "SHA-384" => 48,
        _ => 64,
    };

    /// <summary>The hash's block size: WebCrypto's default HMAC key length.</summary>
    public static int HashBlockBytes(HashAlgorithmName hash) => HashBytes(hash) > 32 ? 128 : 64;

    /// <summary>The kty (and crv) of the algorithm's JWKs.</summary>
    public static (string Kty, string? Crv) JwkType(KeyAlgorithm algorithm) => algorithm switch
    {
        HmacAlgorithm or AesAlgorithm => ("oct", null),
        RsaAlgorithm => ("RSA", null),
        EcdsaAlgorithm ecdsa => ("EC", ecdsa.CurveName),
        Ed25519Algorithm => ("OKP", "Ed25519"),
        _ => throw new ArgumentException($"{algorithm.Name} keys have no JWK form: import them raw.", nameof(algorithm)),
    };

    /// <summary>The JOSE "alg" WebCrypto writes into an exported JWK, or null when it writes none.</summary>
    public static string? JwsAlgorithm(KeyAlgorithm algorithm, int secretBytes)
    {
        static string Bits(HashAlgorithmName hash) => (HashBytes(hash) * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return algorithm switch
        {
            HmacAlgorithm hmac => "HS" + (hmac.Hash == HashAlgorithmName.SHA1 ? "1" : Bits(hmac.Hash)),
            AesAlgorithm aes => $"A{secretBytes * 8}{(aes.IsGcm ? "GCM" : "CBC")}",
            RsaAlgorithm { Scheme: RsaScheme.Pkcs1Signature } rsa => rsa.Hash == HashAlgorithmName.SHA1 ? "RS1" : "RS" + Bits(rsa.Hash),
            RsaAlgorithm { Scheme: RsaScheme.PssSignature } rsa => rsa.Hash == HashAlgorithmName.SHA1 ? "PS1" : "PS" + Bits(rsa.Hash),
            RsaAlgorithm rsa => rsa.Hash == HashAlgorithmName.SHA1 ? "RSA-OAEP" : "RSA-OAEP-" + Bits(rsa.Hash),
            Ed25519Algorithm => "EdDSA",
            _ => null,
        };
    }
}
