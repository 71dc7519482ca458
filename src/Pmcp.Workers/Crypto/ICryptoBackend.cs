using System.Security.Cryptography;

namespace Pmcp.Workers.Crypto;

// What a host provides behind SubtleCrypto: workerd's crypto.subtle through the JS host (Interop/JsCryptoBackend), or
// .NET's System.Security.Cryptography natively (NativeCryptoBackend). SubtleCrypto checks arguments, usages and key
// types first, and handles what needs no host (secret keys' bytes, oct JWKs), so both backends only compute.

/// <summary>The cryptography one host offers <see cref="SubtleCrypto"/>.</summary>
internal interface ICryptoBackend
{
    Task<byte[]> DigestAsync(HashAlgorithmName hash, ReadOnlyMemory<byte> data);

    Task<byte[]> SignAsync(CryptoKey key, ReadOnlyMemory<byte> data);

    Task<bool> VerifyAsync(CryptoKey key, ReadOnlyMemory<byte> signature, ReadOnlyMemory<byte> data);

    /// <summary><paramref name="options"/> is null for RSA-OAEP; AES-GCM's output is the ciphertext followed by the tag.</summary>
    Task<byte[]> EncryptAsync(CryptoKey key, CipherOptions? options, ReadOnlyMemory<byte> data);

    Task<byte[]> DecryptAsync(CryptoKey key, CipherOptions? options, ReadOnlyMemory<byte> data);

    Task<byte[]> DeriveBitsAsync(CryptoKey key, KeyDerivation derivation, int lengthBits);

    /// <summary>Parses an asymmetric key (SPKI, PKCS#8, or a raw EC or Ed25519 public key) and returns it as SPKI or PKCS#8.</summary>
    Task<byte[]> ImportAsync(KeyAlgorithm algorithm, KeyFormat format, ReadOnlyMemory<byte> data);

    /// <summary>Parses an asymmetric JWK whose kty and crv fit the algorithm; a private key when it has <c>d</c>.</summary>
    Task<byte[]> ImportJwkAsync(KeyAlgorithm algorithm, JsonWebKey jwk, bool isPrivate);

    /// <summary>An ECDSA public key as an uncompressed point, an Ed25519 one as its 32 bytes.</summary>
    Task<byte[]> ExportRawPublicAsync(CryptoKey key);

    /// <summary>An asymmetric key's JWK: kty, crv and its numbers.</summary>
    Task<JsonWebKey> ExportJwkAsync(CryptoKey key);

    /// <summary>A new pair as SPKI and PKCS#8; <paramref name="modulusBits"/> for RSA (public exponent 65537).</summary>
    Task<(byte[] Public, byte[] Private)> GenerateKeyPairAsync(KeyAlgorithm algorithm, int modulusBits);
}
