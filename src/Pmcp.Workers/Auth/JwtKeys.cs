using System.Buffers.Text;
using System.Security.Cryptography;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Auth;

/// <summary>Which JSON Web Keys verify which JWS algorithms, and their import as verify-only keys.</summary>
internal static class JwtKeys
{
    /// <summary>The signature algorithms accepted: RSASSA-PKCS1-v1_5 with SHA-256, ECDSA P-256 with SHA-256, Ed25519.</summary>
    public static readonly string[] Algorithms = ["RS256", "ES256", "EdDSA"];

    /// <summary>
    /// Whether <paramref name="jwk"/> may verify <paramref name="algorithm"/>: its type (and curve) fit, its own
    /// <c>alg</c> (when it names one) is that algorithm, its <c>use</c> (when given) is <c>sig</c>, and an RSA modulus is
    /// at least 2048 bits.
    /// </summary>
    public static bool Fits(JsonWebKey jwk, string algorithm)
    {
        if (jwk.Use is { } use && use != "sig")
        {
            return false;
        }

        return algorithm switch
        {
            "RS256" => jwk.Kty == "RSA" && jwk.Alg is null or "RS256" && ModulusBits(jwk) >= 2048,
            "ES256" => jwk.Kty == "EC" && jwk.Crv == "P-256" && jwk.Alg is null or "ES256",
            "EdDSA" => jwk.Kty == "OKP" && jwk.Crv == "Ed25519" && jwk.Alg is null or "EdDSA" or "Ed25519",
            _ => false,
        };
    }

    /// <summary>Imports the public part of <paramref name="jwk"/> to verify <paramref name="algorithm"/>.</summary>
    /// <exception cref="CryptographicException">The key's material does not make a key.</exception>
    public static Task<CryptoKey> ImportAsync(JsonWebKey jwk, string algorithm)
    {
        // Only the public members: a private member would make a private key, and key_ops or ext could clash with Verify.
        var publicPart = new JsonWebKey { Kty = jwk.Kty, Crv = jwk.Crv, X = jwk.X, Y = jwk.Y, N = jwk.N, E = jwk.E };
        KeyAlgorithm keyAlgorithm = algorithm switch
        {
            "RS256" => new RsaAlgorithm(RsaScheme.Pkcs1Signature, HashAlgorithmName.SHA256),
            "ES256" => new EcdsaAlgorithm(EcCurve.P256),
            "EdDSA" => Ed25519Algorithm.Instance,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not an accepted JWS algorithm."),
        };
        return SubtleCrypto.ImportJwkAsync(publicPart, keyAlgorithm, KeyUsages.Verify);
    }

    private static int ModulusBits(JsonWebKey jwk)
    {
        if (jwk.N is null)
        {
            return 0;
        }

        try
        {
            var n = Base64Url.DecodeFromChars(jwk.N).AsSpan().TrimStart((byte)0);
            return n.Length * 8;
        }
        catch (FormatException)
        {
            return 0;
        }
    }
}
