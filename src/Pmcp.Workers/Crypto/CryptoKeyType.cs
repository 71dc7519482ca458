namespace Pmcp.Workers.Crypto;

/// <summary>WebCrypto's <c>CryptoKey.type</c>.</summary>
public enum CryptoKeyType
{
    /// <summary>A symmetric key (HMAC, AES, PBKDF2, HKDF): <c>"secret"</c>.</summary>
    Secret,

    /// <summary>The public half of a pair (RSA, ECDSA, Ed25519): <c>"public"</c>. It verifies and encrypts.</summary>
    Public,

    /// <summary>The private half of a pair: <c>"private"</c>. It signs and decrypts.</summary>
    Private,
}
