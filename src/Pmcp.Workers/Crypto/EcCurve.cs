namespace Pmcp.Workers.Crypto;

/// <summary>The elliptic curves both hosts offer for ECDSA.</summary>
public enum EcCurve
{
    /// <summary>NIST P-256 (secp256r1): JWS ES256.</summary>
    P256,

    /// <summary>NIST P-384 (secp384r1): JWS ES384.</summary>
    P384,
}
