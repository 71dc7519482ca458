using System.Text.Json.Serialization;

namespace KvD1R2Worker;

/// <summary>A row of the items table. D1 returns blobs as arrays of byte numbers, which System.Text.Json reads into a list (a byte[] would expect base64).</summary>
public sealed record Item(long Id, string Name, long? Count, double? Price, List<byte>? Data);

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(Item))]
internal sealed partial class KvD1R2JsonContext : JsonSerializerContext;
