using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>A tool as <c>tools/list</c> describes it.</summary>
public sealed record Tool
{
    /// <summary>The tool's programmatic name, which <c>tools/call</c> takes.</summary>
    public required string Name { get; init; }

    /// <summary>
    /// A human-readable name for display (MCP 2025-06-18 and later); clients fall back to <see cref="Name"/>.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>What the tool does, for the model deciding whether to call it.</summary>
    public string? Description { get; init; }

    /// <summary>The JSON Schema (an <c>"type": "object"</c> schema) the call's <c>arguments</c> must fit.</summary>
    public required JsonElement InputSchema { get; init; }

    /// <summary>
    /// The JSON Schema of the result's <see cref="CallToolResult.StructuredContent"/> (MCP 2025-06-18 and later);
    /// null when the tool returns no structured content.
    /// </summary>
    public JsonElement? OutputSchema { get; init; }

    /// <summary>Hints about the tool's behaviour; null for none.</summary>
    public ToolAnnotations? Annotations { get; init; }

    /// <summary>The <c>_meta</c>: extra data for the client, outside the MCP schema; null for none.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary>Hints about a tool's behaviour. Clients must treat them as untrusted.</summary>
public sealed record ToolAnnotations
{
    /// <summary>A human-readable name for the tool (before MCP 2025-06-18 gave <see cref="Tool.Title"/>).</summary>
    public string? Title { get; init; }

    /// <summary>True when the tool does not change its environment; the spec's default is false.</summary>
    public bool? ReadOnlyHint { get; init; }

    /// <summary>
    /// For a tool that is not read-only: true when it may destroy or overwrite data, false when it only adds. The
    /// spec's default is true.
    /// </summary>
    public bool? DestructiveHint { get; init; }

    /// <summary>
    /// For a tool that is not read-only: true when calling it again with the same arguments has no further effect.
    /// The spec's default is false.
    /// </summary>
    public bool? IdempotentHint { get; init; }

    /// <summary>
    /// True when the tool reaches an open world of outside entities (the web, a public API), false when its domain
    /// is closed (a local database). The spec's default is true.
    /// </summary>
    public bool? OpenWorldHint { get; init; }
}

/// <summary>The result of <c>tools/call</c>.</summary>
public sealed record CallToolResult : Result
{
    /// <summary>The unstructured result, for the model: text, images, audio, resource links or resources.</summary>
    public IReadOnlyList<ContentBlock> Content { get; init; } = [];

    private JsonElement? _structuredContent;

    /// <summary>
    /// The result as a JSON object that fits the tool's <see cref="Tool.OutputSchema"/> (MCP 2025-06-18 and later);
    /// null for none. Send it in <see cref="Content"/> too, as JSON text, for older clients (a tool that returns a
    /// typed value gets both).
    /// </summary>
    public JsonElement? StructuredContent
    {
        get => StructuredJson is { } json ? json.Element : _structuredContent;
        init
        {
            _structuredContent = value;
            StructuredJson = null;
        }
    }

    /// <summary>
    /// The structured content as the tool's value was serialized (a typed result): written to the answer as it is,
    /// and parsed only if <see cref="StructuredContent"/> is read.
    /// </summary>
    internal Server.StructuredJson? StructuredJson { get; private init; }

    /// <summary>A result whose structured content is <paramref name="json"/>, already serialized, with the same JSON as its text block.</summary>
    internal static CallToolResult FromStructuredJson(byte[] json) => new()
    {
        Content = [new TextContent(System.Text.Encoding.UTF8.GetString(json))],
        StructuredJson = new Server.StructuredJson(json),
    };

    /// <summary>
    /// True when the tool failed: the content then tells the model what went wrong, so it can try again. Null is
    /// the same as false.
    /// </summary>
    public bool? IsError { get; init; }

    /// <summary>A successful result with one text block.</summary>
    /// <param name="text">The result's text.</param>
    public static CallToolResult FromText(string text) => new() { Content = [new TextContent(text)] };

    /// <summary>A failed result (<see cref="IsError"/> true) with one text block saying what went wrong.</summary>
    /// <param name="message">What went wrong, worded for the model.</param>
    public static CallToolResult Error(string message) => new() { Content = [new TextContent(message)], IsError = true };
}

/// <summary>The MCP <c>tools/list</c> result: one page of tools.</summary>
/// <param name="Tools">The tools on this page.</param>
public sealed record ListToolsResult(IReadOnlyList<Tool> Tools) : Result
{
    /// <summary>The opaque cursor to pass back for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}
