using System.Text.Json;
using System.Text.Json.Serialization;
using Pmcp.Protocol;

namespace Pmcp.Json;

/// <summary>Source-generated JSON metadata for every protocol type: nothing is reflected over at run time.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CallToolResult))]
[JsonSerializable(typeof(ListToolsResult))]
[JsonSerializable(typeof(ListResourcesResult))]
[JsonSerializable(typeof(ListResourceTemplatesResult))]
[JsonSerializable(typeof(ReadResourceResult))]
[JsonSerializable(typeof(ListPromptsResult))]
[JsonSerializable(typeof(GetPromptResult))]
[JsonSerializable(typeof(CompleteResult))]
[JsonSerializable(typeof(InputRequiredResult))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(DiscoverResult))]
[JsonSerializable(typeof(EmptyObject))]
[JsonSerializable(typeof(EmptyResult))]
[JsonSerializable(typeof(Implementation))]
[JsonSerializable(typeof(Pmcp.Server.NoArguments))]
[JsonSerializable(typeof(ContentBlock))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class PmcpJsonContext : JsonSerializerContext;
