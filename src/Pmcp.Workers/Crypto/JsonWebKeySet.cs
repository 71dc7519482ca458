using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Workers.Crypto;

/// <summary>A JWK Set (RFC 7517 §5), as an issuer publishes its signing keys at its <c>jwks_uri</c>.</summary>
public sealed record JsonWebKeySet
{
    /// <summary>The keys, in the set's order; empty when the set has none.</summary>
    [JsonPropertyName("keys")]
    public IReadOnlyList<JsonWebKey> Keys { get; init; } = [];

    /// <summary>The key with this <c>kid</c>, or null.</summary>
    public JsonWebKey? Find(string kid) => Keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));

    /// <summary>Reads a JWK Set; malformed JSON is a <see cref="FormatException"/> that says so.</summary>
    public static JsonWebKeySet Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, CryptoJsonContext.Default.JsonWebKeySet) ?? throw new FormatException("A JWK Set must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"This is not a JWK Set: {e.Message}", e);
        }
    }
}
