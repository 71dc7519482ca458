using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Optional parts of a tool's description.</summary>
public sealed record ToolOptions
{
    public string? Title { get; init; }
    public ToolAnnotations? Annotations { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}
