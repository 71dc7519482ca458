using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>
/// What every MCP result carries besides its own fields: <c>_meta</c>, and in the stateless revision (2026-07-28 on)
/// <c>resultType</c>, <c>ttlMs</c> and <c>cacheScope</c>, which the server fills in as it answers (a handler need not).
/// </summary>
public abstract record Result
{
    /// <summary>
    /// <c>complete</c> for a finished result (2026-07-28 on); set by the server as it answers, null (left out) for
    /// earlier revisions.
    /// </summary>
    [JsonPropertyOrder(-1)]
    public string? ResultType { get; init; }

    /// <summary>How long (ms) a client may cache a list, discover or read result (2026-07-28 on); set by the server.</summary>
    public int? TtlMs { get; init; }

    /// <summary><c>public</c> or <c>private</c>: who may share a cached result (2026-07-28 on); set by the server.</summary>
    public string? CacheScope { get; init; }

    /// <summary>
    /// The result's <c>_meta</c>: extra data for the client, outside the MCP schema; null for none. In the stateless
    /// revision the server adds its identity (<c>io.modelcontextprotocol/serverInfo</c>) beside what is here.
    /// </summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary>A result with no fields of its own: <c>{}</c> (<c>ping</c>, <c>logging/setLevel</c>).</summary>
public sealed record EmptyResult : Result
{
    /// <summary>The shared instance.</summary>
    public static EmptyResult Instance { get; } = new();
}
