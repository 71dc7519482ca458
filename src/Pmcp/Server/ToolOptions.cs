using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>Optional parts of a tool's description.</summary>
public sealed record ToolOptions
{
    /// <summary>A human-readable name clients may show in place of the tool's name.</summary>
    public string? Title { get; init; }
    /// <summary>Hints about the tool's behaviour (read-only, destructive, idempotent, open-world) for the client.</summary>
    public ToolAnnotations? Annotations { get; init; }

    /// <summary>
    /// The OAuth scopes a caller must hold, all of them, to call the tool (<see cref="ToolRegistration.RequiredScopes"/>);
    /// null or empty for none.
    /// </summary>
    public IReadOnlyList<string>? RequiredScopes { get; init; }

    /// <summary>The tool's <c>_meta</c> object, sent as given in <c>tools/list</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}
