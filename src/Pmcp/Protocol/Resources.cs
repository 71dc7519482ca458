using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>A resource as <c>resources/list</c> describes it.</summary>
/// <param name="Uri">The resource's URI, which <c>resources/read</c> takes.</param>
/// <param name="Name">The resource's programmatic name.</param>
public sealed record Resource(string Uri, string Name)
{
    /// <summary>
    /// A human-readable name for display (MCP 2025-06-18 and later); clients fall back to <see cref="Name"/>.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>What the resource holds, for the client and the model.</summary>
    public string? Description { get; init; }

    /// <summary>The resource's media type, when known.</summary>
    public string? MimeType { get; init; }

    /// <summary>The resource's size in bytes (before any base64 encoding), when known.</summary>
    public long? Size { get; init; }

    /// <summary>Hints about the resource's audience and importance; null for none.</summary>
    public ContentAnnotations? Annotations { get; init; }

    /// <summary>The <c>_meta</c>: extra data for the client, outside the MCP schema; null for none.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary>
/// A family of resources as <c>resources/templates/list</c> describes it: URIs that fit an RFC 6570 template.
/// </summary>
/// <param name="UriTemplate">The RFC 6570 URI template, such as <c>notes://{id}</c>.</param>
/// <param name="Name">The template's programmatic name.</param>
public sealed record ResourceTemplate(string UriTemplate, string Name)
{
    /// <summary>
    /// A human-readable name for display (MCP 2025-06-18 and later); clients fall back to <see cref="Name"/>.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>What the resources hold, for the client and the model.</summary>
    public string? Description { get; init; }

    /// <summary>The media type of every resource the template matches, when they share one.</summary>
    public string? MimeType { get; init; }

    /// <summary>Hints about the resources' audience and importance; null for none.</summary>
    public ContentAnnotations? Annotations { get; init; }
}

/// <summary>The MCP <c>resources/list</c> result: one page of resources.</summary>
/// <param name="Resources">The resources on this page.</param>
public sealed record ListResourcesResult(IReadOnlyList<Resource> Resources) : Result
{
    /// <summary>The opaque cursor to pass back for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>The MCP <c>resources/templates/list</c> result: one page of resource templates.</summary>
/// <param name="ResourceTemplates">The templates on this page.</param>
public sealed record ListResourceTemplatesResult(IReadOnlyList<ResourceTemplate> ResourceTemplates) : Result
{
    /// <summary>The opaque cursor to pass back for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>The MCP <c>resources/read</c> result.</summary>
/// <param name="Contents">The resource's contents: usually one item, text or blob.</param>
public sealed record ReadResourceResult(IReadOnlyList<ResourceContents> Contents) : Result;
