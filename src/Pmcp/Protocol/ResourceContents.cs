using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>The contents of a resource: text or a base64 blob. Serialized without a discriminator, as MCP specifies.</summary>
[JsonDerivedType(typeof(TextResourceContents))]
[JsonDerivedType(typeof(BlobResourceContents))]
public abstract record ResourceContents(string Uri)
{
    public string? MimeType { get; init; }

    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

public sealed record TextResourceContents(string Uri, string Text) : ResourceContents(Uri);

/// <summary>Binary resource contents; <see cref="Blob"/> is base64.</summary>
public sealed record BlobResourceContents(string Uri, string Blob) : ResourceContents(Uri)
{
    public static BlobResourceContents FromBytes(string uri, ReadOnlySpan<byte> bytes, string mimeType) =>
        new(uri, Convert.ToBase64String(bytes)) { MimeType = mimeType };
}
