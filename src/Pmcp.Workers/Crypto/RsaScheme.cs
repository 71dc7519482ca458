namespace Pmcp.Workers.Crypto;

/// <summary>What an RSA key is for: WebCrypto fixes one scheme per key.</summary>
public enum RsaScheme
{
    /// <summary>RSASSA-PKCS1-v1_5 signatures (JWS RS256, RS384, RS512).</summary>
    Pkcs1Signature,

    /// <summary>RSA-PSS signatures with a salt as long as the hash (JWS PS256, PS384, PS512).</summary>
    PssSignature,

    /// <summary>RSA-OAEP encryption, with the same hash for OAEP and MGF1 and no label.</summary>
    OaepEncryption,
}
