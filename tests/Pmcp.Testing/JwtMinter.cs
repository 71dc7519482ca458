using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.Testing;

/// <summary>
/// A signing key of a test issuer: its public JWK (as the issuer's key set publishes it) and how it signs. Made with
/// .NET's own cryptography (RSA, ECDSA) or any signer given (Ed25519), independently of the code under test.
/// </summary>
public sealed class JwtSigningKey(string kid, string algorithm, JsonObject publicJwk, Func<byte[], byte[]> sign)
{
    /// <summary>The key's id (<c>kid</c>).</summary>
    public string Kid { get; } = kid;

    /// <summary>The JWS algorithm it signs with: RS256, ES256, EdDSA.</summary>
    public string Algorithm { get; } = algorithm;

    /// <summary>Signs bytes.</summary>
    public Func<byte[], byte[]> Sign { get; } = sign;

    /// <summary>The public JWK, with <c>kid</c>, <c>use</c> and <c>alg</c>.</summary>
    public JsonObject PublicJwk()
    {
        var jwk = (JsonObject)publicJwk.DeepClone();
        jwk["kid"] = Kid;
        jwk["use"] = "sig";
        jwk["alg"] = Algorithm;
        return jwk;
    }

    /// <summary>A new 2048-bit RSA key for RS256.</summary>
    public static JwtSigningKey Rsa(string kid)
    {
        var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(false);
        return new(kid, "RS256", new JsonObject { ["kty"] = "RSA", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) },
            data => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>A new P-256 key for ES256 (signatures r‖s, as JWS has them).</summary>
    public static JwtSigningKey Ec(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(false);
        return new(kid, "ES256", new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) },
            data => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    internal static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}

/// <summary>Compact JWTs for tests, signed by a <see cref="JwtSigningKey"/> or forged on purpose.</summary>
public static class JwtMinter
{
    /// <summary>The claims of a good access token: issuer, audience, subject, scopes, issued now for an hour.</summary>
    public static JsonObject Claims(string issuer, string audience, string subject, string scope, DateTimeOffset? now = null)
    {
        var at = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = subject,
            ["scope"] = scope,
            ["iat"] = at,
            ["nbf"] = at,
            ["exp"] = at + 3600,
            ["client_id"] = "test-client",
        };
    }

    /// <summary>A JWT signed by <paramref name="key"/>, with its <c>alg</c> and <c>kid</c> unless <paramref name="header"/> says otherwise.</summary>
    public static string Mint(JwtSigningKey key, JsonObject claims, JsonObject? header = null)
    {
        var h = header ?? new JsonObject { ["alg"] = key.Algorithm, ["kid"] = key.Kid, ["typ"] = "at+jwt" };
        var input = Part(h) + "." + Part(claims);
        return input + "." + JwtSigningKey.B64(key.Sign(Encoding.ASCII.GetBytes(input)));
    }

    /// <summary>An unsigned token (<c>alg: none</c>, empty signature).</summary>
    public static string AlgNone(JsonObject claims, string kid) =>
        Part(new JsonObject { ["alg"] = "none", ["kid"] = kid }) + "." + Part(claims) + ".";

    /// <summary>
    /// The HMAC-with-the-public-key forgery: HS256 keyed with the bytes of <paramref name="key"/>'s public JWK (and,
    /// for an RSA key, with its modulus), for a verifier that would take any key's material as an HMAC secret.
    /// </summary>
    public static string HmacWithPublicKey(JwtSigningKey key, JsonObject claims)
    {
        var input = Part(new JsonObject { ["alg"] = "HS256", ["kid"] = key.Kid, ["typ"] = "JWT" }) + "." + Part(claims);
        var secret = Encoding.UTF8.GetBytes(key.PublicJwk().ToJsonString());
        return input + "." + JwtSigningKey.B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    private static string Part(JsonObject json) => JwtSigningKey.B64(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
