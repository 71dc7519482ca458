namespace Pmcp.Workers.Crypto;

/// <summary>A generated asymmetric key pair.</summary>
public sealed record CryptoKeyPair(CryptoKey PublicKey, CryptoKey PrivateKey);
