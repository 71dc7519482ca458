using System.Text.Json.Serialization;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>The JSON the local bindings store: R2's HTTP and custom metadata in the bucket's index.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(R2HttpMetadata))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
