namespace Pmcp.Http;

/// <summary>How the Streamable HTTP endpoint guards and shapes its traffic.</summary>
public sealed class StreamableHttpOptions
{
    /// <summary>The MCP endpoint's path.</summary>
    public string McpPath { get; set; } = "/mcp";

    /// <summary>A GET here answers 200 <c>OK</c>; null turns it off.</summary>
    public string? HealthPath { get; set; } = "/health";

    /// <summary>Bodies above this size are refused with 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The most messages one JSON-RPC batch (protocol 2025-03-26) may carry; a larger batch is refused whole with 400
    /// and -32600. Each item is answered, and an answer may be many times its request.
    /// </summary>
    public int MaxBatchItems { get; set; } = 100;

    /// <summary>
    /// Host names (without port) a request may name in its <c>Host</c> header; empty allows any. Hosts serving on
    /// loopback set <see cref="LoopbackHosts"/> to defeat DNS rebinding. Origins whose host is listed are allowed too.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) browsers may call from, besides same-origin pages and the
    /// <see cref="AllowedHosts"/>; <c>*</c> allows every origin.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>When set, requests must carry <c>Authorization: Bearer &lt;key&gt;</c>; null serves without a key.</summary>
    /// <exception cref="ArgumentException">An empty or blank key: it would lock out every client, or be mistaken for "no key".</exception>
    public string? ApiKey
    {
        get;
        set => field = value is null || !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException("An empty API key is not a key: set a real one, or leave ApiKey null to serve without one.", nameof(value));
    }

    /// <summary>
    /// When set, every MCP request is authenticated by it after the API key check and before its body is read: a
    /// refusal is answered as the authenticator words it (401 with its <c>WWW-Authenticate</c> challenge), and an
    /// admitted request's caller reaches handlers as <see cref="Server.McpRequestContext.Caller"/>. With an
    /// authenticator, a <c>tools/call</c> of a tool whose <see cref="Server.ToolRegistration.RequiredScopes"/> the caller
    /// lacks is answered 403 with an <c>insufficient_scope</c> challenge (MCP 2025-11-25, "Scope Challenge Handling").
    /// Null: no authentication beyond <see cref="ApiKey"/>, and tools' required scopes are not checked.
    /// </summary>
    public IMcpAuthenticator? Authenticator { get; set; }

    /// <summary>
    /// The structured request log (<see cref="RequestLogOptions"/>): one JSON line per JSON-RPC message, and one per
    /// request refused before any message was handled. Null: the server's own (<see cref="Server.McpServer.RequestLog"/>);
    /// <see cref="RequestLogLevel.Off"/>: none, at no cost.
    /// </summary>
    public RequestLogOptions? RequestLog { get; set; }

    /// <summary>
    /// Sessions for clients of the revisions with <c>initialize</c> (2025-11-25 and before): an <c>Mcp-Session-Id</c>,
    /// the standing <c>GET</c> stream, resource subscriptions, <c>Last-Event-ID</c> resumption, <c>DELETE</c>. Null (the
    /// default): stateless, <c>GET</c> and <c>DELETE</c> answer 405. 2026-07-28 clients are stateless either way.
    /// </summary>
    public McpSessionOptions? Sessions { get; set; }

    /// <summary>
    /// The names of the local machine (<c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>), for a host serving on loopback
    /// to copy into <see cref="AllowedHosts"/> so that a DNS-rebinding page cannot reach it under another name.
    /// </summary>
    public static IReadOnlyList<string> LoopbackHosts { get; } = ["localhost", "127.0.0.1", "[::1]", "::1"];
}
