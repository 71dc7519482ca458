namespace Pmcp.Workers.Crypto;

/// <summary>What a <see cref="CryptoKey"/> may be used for (WebCrypto's <c>keyUsages</c>); an operation outside them is refused.</summary>
[Flags]
public enum KeyUsages
{
    /// <summary>No usage: only allowed for a public key (which can still be exported).</summary>
    None = 0,

    /// <summary><see cref="SubtleCrypto.EncryptAsync"/>: AES and RSA-OAEP public keys (<c>"encrypt"</c>).</summary>
    Encrypt = 1,

    /// <summary><see cref="SubtleCrypto.DecryptAsync"/>: AES and RSA-OAEP private keys (<c>"decrypt"</c>).</summary>
    Decrypt = 2,

    /// <summary><see cref="SubtleCrypto.SignAsync"/>: HMAC keys and signing private keys (<c>"sign"</c>).</summary>
    Sign = 4,

    /// <summary><see cref="SubtleCrypto.VerifyAsync"/>: HMAC keys and signing public keys (<c>"verify"</c>).</summary>
    Verify = 8,

    /// <summary><see cref="SubtleCrypto.DeriveBitsAsync"/>: PBKDF2 and HKDF input keys (<c>"deriveBits"</c>).</summary>
    DeriveBits = 16,
}
