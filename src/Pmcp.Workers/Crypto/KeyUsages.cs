namespace Pmcp.Workers.Crypto;

/// <summary>What a <see cref="CryptoKey"/> may be used for (WebCrypto's <c>keyUsages</c>); an operation outside them is refused.</summary>
[Flags]
public enum KeyUsages
{
    None = 0,
    Encrypt = 1,
    Decrypt = 2,
    Sign = 4,
    Verify = 8,
    DeriveBits = 16,
}
