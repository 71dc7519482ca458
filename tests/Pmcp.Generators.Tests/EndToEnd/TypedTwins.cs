using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Generators.Tests.EndToEnd;

// Inputs of the typed tools that the generated ones are compared with.
public sealed record EchoInput(string Message);

public sealed record AddInput(int A, int B = 0);

public sealed record GreetInput(Person Person);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(EchoInput))]
[JsonSerializable(typeof(AddInput))]
[JsonSerializable(typeof(GreetInput))]
[JsonSerializable(typeof(int))]
internal sealed partial class EchoInputContext : JsonSerializerContext;
