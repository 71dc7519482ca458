using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>The contents of a resource: text or a base64 blob. Serialized without a discriminator, as MCP specifies.</summary>
/// <param name="Uri">The URI of the resource these are the contents of.</param>
[JsonDerivedType(typeof(TextResourceContents))]
[JsonDerivedType(typeof(BlobResourceContents))]
public abstract record ResourceContents(string Uri)
{
    /// <summary>The contents' media type, such as <c>text/markdown</c>; null when unknown.</summary>
    public string? MimeType { get; init; }

    /// <summary>The <c>_meta</c>: extra data for the client, outside the MCP schema; null for none.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary>Text resource contents.</summary>
/// <param name="Uri">The URI of the resource these are the contents of.</param>
/// <param name="Text">The text.</param>
public sealed record TextResourceContents(string Uri, [property: JsonConverter(typeof(Json.SegmentedStringConverter))] string Text) : ResourceContents(Uri);

/// <summary>Binary resource contents; <see cref="Blob"/> is base64.</summary>
/// <param name="Uri">The URI of the resource these are the contents of.</param>
/// <param name="Blob">The bytes, base64-encoded.</param>
public sealed record BlobResourceContents(string Uri, [property: JsonConverter(typeof(Json.SegmentedStringConverter))] string Blob) : ResourceContents(Uri)
{
    /// <summary>Binary contents from raw bytes, which are base64-encoded for <see cref="Blob"/>.</summary>
    /// <param name="uri">The URI of the resource.</param>
    /// <param name="bytes">The contents' bytes.</param>
    /// <param name="mimeType">The contents' media type, such as <c>application/pdf</c>.</param>
    public static BlobResourceContents FromBytes(string uri, ReadOnlySpan<byte> bytes, string mimeType) =>
        new(uri, Convert.ToBase64String(bytes)) { MimeType = mimeType };
}
