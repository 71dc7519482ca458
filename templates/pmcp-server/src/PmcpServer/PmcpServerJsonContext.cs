using System.Text.Json;
using System.Text.Json.Serialization;

namespace PmcpServer;

/// <summary>
/// JSON metadata for the tools' complex types, generated at compile time (no reflection in WebAssembly). Primitive
/// arguments need none. A tool that returns a new record type needs its [JsonSerializable] here.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(User[]))]
internal sealed partial class PmcpServerJsonContext : JsonSerializerContext;
