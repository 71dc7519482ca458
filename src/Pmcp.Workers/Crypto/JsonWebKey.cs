using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Workers.Crypto;

/// <summary>
/// A JSON Web Key (RFC 7517, RFC 7518 §6, RFC 8037): the members WebCrypto reads and writes, as base64url strings.
/// <see cref="Parse"/> reads one from JSON (unknown members are ignored), <see cref="ToJson"/> writes it.
/// </summary>
public sealed record JsonWebKey
{
    /// <summary>Key type: <c>"oct"</c>, <c>"RSA"</c>, <c>"EC"</c> or <c>"OKP"</c>.</summary>
    [JsonPropertyName("kty")]
    public string? Kty { get; init; }

    /// <summary>Key ID: names the key within a set, and matches a JWS header's <c>kid</c>.</summary>
    [JsonPropertyName("kid")]
    public string? Kid { get; init; }

    /// <summary>Public key use: <c>"sig"</c> (signatures) or <c>"enc"</c> (encryption).</summary>
    [JsonPropertyName("use")]
    public string? Use { get; init; }

    /// <summary>The JOSE algorithm the key is for, such as <c>"RS256"</c>, <c>"ES256"</c> or <c>"HS256"</c>.</summary>
    [JsonPropertyName("alg")]
    public string? Alg { get; init; }

    /// <summary>The operations the key is for, in WebCrypto's names: <c>"sign"</c>, <c>"verify"</c>, ….</summary>
    [JsonPropertyName("key_ops")]
    public IReadOnlyList<string>? KeyOps { get; init; }

    /// <summary>WebCrypto's extractable flag; an exported key has it true.</summary>
    [JsonPropertyName("ext")]
    public bool? Ext { get; init; }

    /// <summary>Curve: <c>"P-256"</c>, <c>"P-384"</c> (EC) or <c>"Ed25519"</c> (OKP).</summary>
    [JsonPropertyName("crv")]
    public string? Crv { get; init; }

    /// <summary>EC: the point's x coordinate; OKP: the public key.</summary>
    [JsonPropertyName("x")]
    public string? X { get; init; }

    /// <summary>EC: the point's y coordinate.</summary>
    [JsonPropertyName("y")]
    public string? Y { get; init; }

    /// <summary>The private part (EC, OKP, RSA); its presence makes the key private.</summary>
    [JsonPropertyName("d")]
    public string? D { get; init; }

    /// <summary>RSA: the modulus.</summary>
    [JsonPropertyName("n")]
    public string? N { get; init; }

    /// <summary>RSA: the public exponent, usually <c>"AQAB"</c> (65537).</summary>
    [JsonPropertyName("e")]
    public string? E { get; init; }

    /// <summary>RSA private key: the first prime factor.</summary>
    [JsonPropertyName("p")]
    public string? P { get; init; }

    /// <summary>RSA private key: the second prime factor.</summary>
    [JsonPropertyName("q")]
    public string? Q { get; init; }

    /// <summary>RSA private key: the first factor's CRT exponent, d mod (p − 1).</summary>
    [JsonPropertyName("dp")]
    public string? Dp { get; init; }

    /// <summary>RSA private key: the second factor's CRT exponent, d mod (q − 1).</summary>
    [JsonPropertyName("dq")]
    public string? Dq { get; init; }

    /// <summary>RSA private key: the CRT coefficient, the inverse of q mod p.</summary>
    [JsonPropertyName("qi")]
    public string? Qi { get; init; }

    /// <summary>A secret key's bytes (oct).</summary>
    [JsonPropertyName("k")]
    public string? K { get; init; }

    /// <summary>Reads a JWK; malformed JSON is a <see cref="FormatException"/> that says so.</summary>
    public static JsonWebKey Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, CryptoJsonContext.Default.JsonWebKey) ?? throw new FormatException("A JWK must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"This is not a JSON Web Key: {e.Message}", e);
        }
    }

    /// <summary>The JWK as compact JSON, without the members it lacks.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, CryptoJsonContext.Default.JsonWebKey);
}
