using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>Serialization of a scenario's expected values (JSON nodes) without reflection.</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(string))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
