namespace Pmcp.Workers.Crypto;

/// <summary>WebCrypto's <c>CryptoKey.type</c>.</summary>
public enum CryptoKeyType
{
    Secret,
    Public,
    Private,
}
