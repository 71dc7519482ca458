namespace Pmcp.Workers.Crypto;

/// <summary>The binary forms a key is imported from and exported to; JWK has its own methods (<see cref="JsonWebKey"/>).</summary>
public enum KeyFormat
{
    /// <summary>Secret keys' bytes; an ECDSA public key as an uncompressed point; an Ed25519 public key's 32 bytes.</summary>
    Raw,

    /// <summary>A public key as DER SubjectPublicKeyInfo (the body of a <c>-----BEGIN PUBLIC KEY-----</c> PEM).</summary>
    Spki,

    /// <summary>A private key as DER PKCS#8 PrivateKeyInfo (the body of a <c>-----BEGIN PRIVATE KEY-----</c> PEM).</summary>
    Pkcs8,
}
