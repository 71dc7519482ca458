using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conformance;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(SamplingInput))]
[JsonSerializable(typeof(ElicitationInput))]
[JsonSerializable(typeof(UpdateResourceInput))]
internal sealed partial class ConformanceJsonContext : JsonSerializerContext;
