using System.Text.Json.Serialization;

namespace Pmcp.Workers.Http;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CfProperties))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
