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

    [JsonPropertyName("kid")]
    public string? Kid { get; init; }

    [JsonPropertyName("use")]
    public string? Use { get; init; }

    [JsonPropertyName("alg")]
    public string? Alg { get; init; }

    [JsonPropertyName("key_ops")]
    public IReadOnlyList<string>? KeyOps { get; init; }

    [JsonPropertyName("ext")]
    public bool? Ext { get; init; }

    /// <summary>Curve: <c>"P-256"</c>, <c>"P-384"</c> (EC) or <c>"Ed25519"</c> (OKP).</summary>
    [JsonPropertyName("crv")]
    public string? Crv { get; init; }

    [JsonPropertyName("x")]
    public string? X { get; init; }

    [JsonPropertyName("y")]
    public string? Y { get; init; }

    /// <summary>The private part (EC, OKP, RSA); its presence makes the key private.</summary>
    [JsonPropertyName("d")]
    public string? D { get; init; }

    [JsonPropertyName("n")]
    public string? N { get; init; }

    [JsonPropertyName("e")]
    public string? E { get; init; }

    [JsonPropertyName("p")]
    public string? P { get; init; }

    [JsonPropertyName("q")]
    public string? Q { get; init; }

    [JsonPropertyName("dp")]
    public string? Dp { get; init; }

    [JsonPropertyName("dq")]
    public string? Dq { get; init; }

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
