using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>A tool as <c>tools/list</c> describes it.</summary>
public sealed record Tool
{
    public required string Name { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public required JsonElement InputSchema { get; init; }
    public JsonElement? OutputSchema { get; init; }
    public ToolAnnotations? Annotations { get; init; }

    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary>Hints about a tool's behaviour. Clients must treat them as untrusted.</summary>
public sealed record ToolAnnotations
{
    public string? Title { get; init; }
    public bool? ReadOnlyHint { get; init; }
    public bool? DestructiveHint { get; init; }
    public bool? IdempotentHint { get; init; }
    public bool? OpenWorldHint { get; init; }
}

/// <summary>The result of <c>tools/call</c>.</summary>
public sealed record CallToolResult
{
    public IReadOnlyList<ContentBlock> Content { get; init; } = [];
    public JsonElement? StructuredContent { get; init; }
    public bool? IsError { get; init; }

    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }

    public static CallToolResult FromText(string text) => new() { Content = [new TextContent(text)] };

    public static CallToolResult Error(string message) => new() { Content = [new TextContent(message)], IsError = true };
}

public sealed record ListToolsResult(IReadOnlyList<Tool> Tools)
{
    public string? NextCursor { get; init; }
}
