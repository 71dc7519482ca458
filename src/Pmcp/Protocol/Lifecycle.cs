using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>Name and version of a client or server.</summary>
public sealed record Implementation(string Name, string Version)
{
    public string? Title { get; init; }
    public string? WebsiteUrl { get; init; }
}

public sealed record ServerCapabilities
{
    public ListChangedCapability? Tools { get; init; }
    public ResourcesCapability? Resources { get; init; }
    public ListChangedCapability? Prompts { get; init; }
    public EmptyObject? Logging { get; init; }
    public EmptyObject? Completions { get; init; }
}

public sealed record ListChangedCapability(bool ListChanged);

public sealed record ResourcesCapability(bool Subscribe, bool ListChanged);

/// <summary>Serializes as <c>{}</c>.</summary>
public sealed record EmptyObject
{
    public static EmptyObject Instance { get; } = new();
}

public sealed record InitializeResult(string ProtocolVersion, ServerCapabilities Capabilities, Implementation ServerInfo)
{
    public string? Instructions { get; init; }
}

/// <summary>
/// The answer to <c>server/discover</c> (MCP 2026-07-28): what <c>initialize</c> told, without a session.
/// The server's identity travels in <c>_meta</c>, added with the other per-result fields.
/// </summary>
public sealed record DiscoverResult(IReadOnlyList<string> SupportedVersions, ServerCapabilities Capabilities)
{
    public string? Instructions { get; init; }
}

/// <summary>MCP log levels, in increasing severity (RFC 5424).</summary>
public enum LoggingLevel
{
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
    Alert,
    Emergency,
}
