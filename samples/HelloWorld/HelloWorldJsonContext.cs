using System.Text.Json;
using System.Text.Json.Serialization;

namespace HelloWorld;

/// <summary>JSON metadata for the tools' types, generated at compile time (no reflection in WebAssembly).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(QueryInput))]
[JsonSerializable(typeof(EchoInput))]
[JsonSerializable(typeof(User[]))]
internal sealed partial class HelloWorldJsonContext : JsonSerializerContext;
