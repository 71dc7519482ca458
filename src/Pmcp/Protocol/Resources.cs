using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

public sealed record Resource(string Uri, string Name)
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? MimeType { get; init; }
    public long? Size { get; init; }
    public ContentAnnotations? Annotations { get; init; }

    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

public sealed record ResourceTemplate(string UriTemplate, string Name)
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? MimeType { get; init; }
    public ContentAnnotations? Annotations { get; init; }
}

public sealed record ListResourcesResult(IReadOnlyList<Resource> Resources)
{
    public string? NextCursor { get; init; }
}

public sealed record ListResourceTemplatesResult(IReadOnlyList<ResourceTemplate> ResourceTemplates)
{
    public string? NextCursor { get; init; }
}

public sealed record ReadResourceResult(IReadOnlyList<ResourceContents> Contents);
