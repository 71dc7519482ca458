using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>Name and version of a client or server.</summary>
/// <param name="Name">The programmatic name, such as <c>"notes-server"</c>.</param>
/// <param name="Version">The implementation's version, such as <c>"1.2.0"</c>.</param>
public sealed record Implementation(string Name, string Version)
{
    /// <summary>
    /// A human-readable name for display (MCP 2025-06-18 and later); clients fall back to <see cref="Name"/>.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>The implementation's website (MCP 2025-11-25 and later).</summary>
    public string? WebsiteUrl { get; init; }
}

/// <summary>
/// What the server offers, as <c>initialize</c> and <c>server/discover</c> report it: each non-null member declares
/// one feature.
/// </summary>
public sealed record ServerCapabilities
{
    /// <summary>The server has tools (<c>tools/list</c>, <c>tools/call</c>); null when it has none.</summary>
    public ListChangedCapability? Tools { get; init; }

    /// <summary>The server has resources or resource templates (<c>resources/*</c>); null when it has none.</summary>
    public ResourcesCapability? Resources { get; init; }

    /// <summary>The server has prompts (<c>prompts/list</c>, <c>prompts/get</c>); null when it has none.</summary>
    public ListChangedCapability? Prompts { get; init; }

    /// <summary>
    /// The server sends log messages (<c>notifications/message</c>) and accepts <c>logging/setLevel</c>.
    /// </summary>
    public EmptyObject? Logging { get; init; }

    /// <summary>The server answers <c>completion/complete</c>; null when no completion handler is registered.</summary>
    public EmptyObject? Completions { get; init; }
}

/// <summary>A capability for a list of items (tools, prompts).</summary>
/// <param name="ListChanged">Whether the server notifies the client when the list changes.</param>
public sealed record ListChangedCapability(bool ListChanged);

/// <summary>The resources capability.</summary>
/// <param name="Subscribe">Whether clients can subscribe to a resource's updates (<c>resources/subscribe</c>).</param>
/// <param name="ListChanged">Whether the server notifies the client when the list of resources changes.</param>
public sealed record ResourcesCapability(bool Subscribe, bool ListChanged);

/// <summary>Serializes as <c>{}</c>.</summary>
public sealed record EmptyObject
{
    /// <summary>The shared instance.</summary>
    public static EmptyObject Instance { get; } = new();
}

/// <summary>The MCP <c>initialize</c> result, which opens a session (MCP 2024-11-05 through 2025-11-25).</summary>
/// <param name="ProtocolVersion">
/// The revision the session speaks: the client's when this server supports it, else
/// <see cref="ProtocolVersions.LatestWithInitialize"/>.
/// </param>
/// <param name="Capabilities">What the server offers.</param>
/// <param name="ServerInfo">The server's name and version.</param>
public sealed record InitializeResult(string ProtocolVersion, ServerCapabilities Capabilities, Implementation ServerInfo) : Result
{
    /// <summary>How to use the server, which a client may add to the model's system prompt; null for none.</summary>
    public string? Instructions { get; init; }
}

/// <summary>
/// The answer to <c>server/discover</c> (MCP 2026-07-28): what <c>initialize</c> told, without a session.
/// The server's identity travels in <c>_meta</c>, added with the other per-result fields.
/// </summary>
/// <param name="SupportedVersions">
/// Every revision the server speaks, oldest first (<see cref="ProtocolVersions.All"/>).
/// </param>
/// <param name="Capabilities">What the server offers.</param>
public sealed record DiscoverResult(IReadOnlyList<string> SupportedVersions, ServerCapabilities Capabilities) : Result
{
    /// <summary>How to use the server, which a client may add to the model's system prompt; null for none.</summary>
    public string? Instructions { get; init; }
}

/// <summary>MCP log levels, in increasing severity (RFC 5424).</summary>
public enum LoggingLevel
{
    /// <summary>Detailed information for debugging (<c>debug</c>).</summary>
    Debug,

    /// <summary>Routine information (<c>info</c>).</summary>
    Info,

    /// <summary>A normal but significant event (<c>notice</c>).</summary>
    Notice,

    /// <summary>Something unexpected that did not stop the work (<c>warning</c>).</summary>
    Warning,

    /// <summary>An operation failed (<c>error</c>).</summary>
    Error,

    /// <summary>A critical condition: a component failed (<c>critical</c>).</summary>
    Critical,

    /// <summary>Action must be taken at once (<c>alert</c>).</summary>
    Alert,

    /// <summary>The system is unusable (<c>emergency</c>).</summary>
    Emergency,
}
