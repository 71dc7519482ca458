using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pmcp.Schema;

[JsonSerializable(typeof(JsonNode))]
internal sealed partial class SchemaJsonContext : JsonSerializerContext;
