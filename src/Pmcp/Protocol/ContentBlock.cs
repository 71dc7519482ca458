using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>One piece of content in a tool result or prompt message: text, image, audio, a resource link or an embedded resource.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextContent), "text")]
[JsonDerivedType(typeof(ImageContent), "image")]
[JsonDerivedType(typeof(AudioContent), "audio")]
[JsonDerivedType(typeof(ResourceLinkContent), "resource_link")]
[JsonDerivedType(typeof(EmbeddedResourceContent), "resource")]
public abstract record ContentBlock
{
    /// <summary>Hints about the content's audience and importance; null for none.</summary>
    public ContentAnnotations? Annotations { get; init; }

    /// <summary>The block's <c>_meta</c>: extra data for the client, outside the MCP schema; null for none.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary>Plain text (<c>"type": "text"</c>).</summary>
/// <param name="Text">The text.</param>
public sealed record TextContent([property: JsonConverter(typeof(Json.SegmentedStringConverter))] string Text) : ContentBlock;

/// <summary>An image; <see cref="Data"/> is base64.</summary>
/// <param name="Data">The image's bytes, base64-encoded.</param>
/// <param name="MimeType">The image's media type, such as <c>image/png</c>.</param>
public sealed record ImageContent([property: JsonConverter(typeof(Json.SegmentedStringConverter))] string Data, string MimeType) : ContentBlock
{
    /// <summary>An image from its raw bytes, which are base64-encoded for <see cref="Data"/>.</summary>
    /// <param name="data">The image's bytes.</param>
    /// <param name="mimeType">The image's media type, such as <c>image/png</c>.</param>
    public static ImageContent FromBytes(ReadOnlySpan<byte> data, string mimeType) => new(Convert.ToBase64String(data), mimeType);
}

/// <summary>Audio; <see cref="Data"/> is base64.</summary>
/// <param name="Data">The audio's bytes, base64-encoded.</param>
/// <param name="MimeType">The audio's media type, such as <c>audio/wav</c>.</param>
public sealed record AudioContent([property: JsonConverter(typeof(Json.SegmentedStringConverter))] string Data, string MimeType) : ContentBlock
{
    /// <summary>Audio from its raw bytes, which are base64-encoded for <see cref="Data"/>.</summary>
    /// <param name="data">The audio's bytes.</param>
    /// <param name="mimeType">The audio's media type, such as <c>audio/wav</c>.</param>
    public static AudioContent FromBytes(ReadOnlySpan<byte> data, string mimeType) => new(Convert.ToBase64String(data), mimeType);
}

/// <summary>A link to a resource the client may read (MCP 2025-06-18 and later).</summary>
/// <param name="Uri">The resource's URI, which the client reads with <c>resources/read</c>.</param>
/// <param name="Name">The resource's programmatic name.</param>
public sealed record ResourceLinkContent(string Uri, string Name) : ContentBlock
{
    /// <summary>A human-readable name for display; clients fall back to <see cref="Name"/>.</summary>
    public string? Title { get; init; }

    /// <summary>What the resource is, for the client and the model.</summary>
    public string? Description { get; init; }

    /// <summary>The resource's media type, when known.</summary>
    public string? MimeType { get; init; }

    /// <summary>The resource's size in bytes (before any base64 encoding), when known.</summary>
    public long? Size { get; init; }
}

/// <summary>A resource's contents carried inside the result (<c>"type": "resource"</c>).</summary>
/// <param name="Resource">The embedded text or blob contents, with their URI.</param>
public sealed record EmbeddedResourceContent(ResourceContents Resource) : ContentBlock;

/// <summary>Hints for the client about how to use content.</summary>
public sealed record ContentAnnotations
{
    /// <summary>Who the content is meant for: <c>"user"</c>, <c>"assistant"</c> or both; null for anyone.</summary>
    public IReadOnlyList<string>? Audience { get; init; }

    /// <summary>How important the content is, from 0 (optional) to 1 (required).</summary>
    public double? Priority { get; init; }

    /// <summary>When the content last changed, as an ISO 8601 timestamp (MCP 2025-06-18 and later).</summary>
    public string? LastModified { get; init; }
}
