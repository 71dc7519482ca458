using System.Text.Json;
using System.Text.Json.Serialization;

namespace HelloWorld;

/// <summary>
/// JSON metadata for the tools' complex types, generated at compile time (no reflection in WebAssembly). Primitive
/// arguments need none: the generated code reads them itself.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(User[]))]
internal sealed partial class HelloWorldJsonContext : JsonSerializerContext;
