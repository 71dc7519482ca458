namespace Pmcp.Http;

/// <summary>
/// Sessions for the revisions with <c>initialize</c> (2024-11-05 to 2025-11-25): an <c>Mcp-Session-Id</c> issued at
/// <c>initialize</c>, the standing <c>GET</c> event stream, resource subscriptions, <c>Last-Event-ID</c> resumption and
/// <c>DELETE</c>. Set <see cref="StreamableHttpOptions.Sessions"/> to turn them on; 2026-07-28 clients stay stateless
/// either way (docs/sessions.md).
/// </summary>
public sealed class McpSessionOptions
{
    /// <summary>A session unused this long is forgotten (its id then answers 404). Thirty minutes unless set.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most sessions kept at once; an <c>initialize</c> past it (once idle ones are gone) is answered 503. With
    /// <see cref="MaxStoredEventBytes"/> it bounds what kept events can take of an isolate's 128 MB (32 MiB by default).
    /// </summary>
    public int MaxSessions { get; set; } = 1_000;

    /// <summary>
    /// The most events a session keeps for <c>Last-Event-ID</c> resumption of its standing stream; past it (or past
    /// <see cref="MaxStoredEventBytes"/>) the oldest are dropped.
    /// </summary>
    public int MaxStoredEvents { get; set; } = 128;

    /// <summary>The most bytes of events a session keeps for resumption; past it the oldest are dropped.</summary>
    public int MaxStoredEventBytes { get; set; } = 32 * 1024;

    /// <summary>The most resources one session may subscribe to; a subscription past it is refused with -32602.</summary>
    public int MaxSubscriptions { get; set; } = 1024;
}
