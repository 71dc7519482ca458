using System.Text.Json.Serialization;

namespace Pmcp.Workers.Crypto;

/// <summary>JWK JSON without reflection (the Worker is trimmed).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonWebKey))]
[JsonSerializable(typeof(JsonWebKeySet))]
internal sealed partial class CryptoJsonContext : JsonSerializerContext;
