using System.Security.Cryptography;

namespace Pmcp.Workers.Crypto;

/// <summary>
/// Ed25519 keys in DER (RFC 8410): SPKI and PKCS#8 of Ed25519 are fixed prefixes before the 32 key bytes, so the
/// native host needs no ASN.1 library for them, only an Ed25519 implementation (<see cref="IEd25519"/>).
/// </summary>
internal static class Ed25519Keys
{
    public const int KeyBytes = 32;

    // SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }
    private static readonly byte[] SpkiPrefix = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

    // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32 bytes) } }
    private static readonly byte[] Pkcs8Prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

    public static byte[] Spki(ReadOnlySpan<byte> publicKey) => Wrap(SpkiPrefix, publicKey, "public key");

    public static byte[] Pkcs8(ReadOnlySpan<byte> seed) => Wrap(Pkcs8Prefix, seed, "private key (seed)");

    /// <summary>The 32 bytes of an Ed25519 SPKI.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> spki) => Unwrap(SpkiPrefix, spki, "SPKI");

    /// <summary>The seed of an Ed25519 PKCS#8 (version 1, without the optional public key).</summary>
    public static byte[] SeedOf(ReadOnlySpan<byte> pkcs8) => Unwrap(Pkcs8Prefix, pkcs8, "PKCS#8");

    private static byte[] Wrap(byte[] prefix, ReadOnlySpan<byte> key, string what)
    {
        if (key.Length != KeyBytes)
        {
            throw new CryptographicException($"An Ed25519 {what} is {KeyBytes} bytes; this one is {key.Length}.");
        }

        return [.. prefix, .. key];
    }

    private static byte[] Unwrap(byte[] prefix, ReadOnlySpan<byte> der, string format)
    {
        if (der.Length != prefix.Length + KeyBytes || !der.StartsWith(prefix))
        {
            throw new CryptographicException($"This is not an Ed25519 key in {format} DER (RFC 8410).");
        }

        return der[prefix.Length..].ToArray();
    }
}
