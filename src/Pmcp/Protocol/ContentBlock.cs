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
    public ContentAnnotations? Annotations { get; init; }

    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

public sealed record TextContent(string Text) : ContentBlock;

/// <summary>An image; <see cref="Data"/> is base64.</summary>
public sealed record ImageContent(string Data, string MimeType) : ContentBlock
{
    public static ImageContent FromBytes(ReadOnlySpan<byte> data, string mimeType) => new(Convert.ToBase64String(data), mimeType);
}

/// <summary>Audio; <see cref="Data"/> is base64.</summary>
public sealed record AudioContent(string Data, string MimeType) : ContentBlock
{
    public static AudioContent FromBytes(ReadOnlySpan<byte> data, string mimeType) => new(Convert.ToBase64String(data), mimeType);
}

/// <summary>A link to a resource the client may read (MCP 2025-06-18 and later).</summary>
public sealed record ResourceLinkContent(string Uri, string Name) : ContentBlock
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? MimeType { get; init; }
    public long? Size { get; init; }
}

public sealed record EmbeddedResourceContent(ResourceContents Resource) : ContentBlock;

/// <summary>Hints for the client about how to use content.</summary>
public sealed record ContentAnnotations
{
    public IReadOnlyList<string>? Audience { get; init; }
    public double? Priority { get; init; }
    public string? LastModified { get; init; }
}
