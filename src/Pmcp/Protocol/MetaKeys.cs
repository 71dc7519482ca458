namespace Pmcp.Protocol;

/// <summary>The reserved <c>_meta</c> keys of the stateless revision (2026-07-28).</summary>
public static class MetaKeys
{
    /// <summary>A request's protocol revision (a string); required on every stateless request.</summary>
    public const string ProtocolVersion = "io.modelcontextprotocol/protocolVersion";

    /// <summary>
    /// The capabilities of the client sending the request (an object); required on every stateless request.
    /// </summary>
    public const string ClientCapabilities = "io.modelcontextprotocol/clientCapabilities";

    /// <summary>The client's name and version (an <see cref="Implementation"/>).</summary>
    public const string ClientInfo = "io.modelcontextprotocol/clientInfo";

    /// <summary>
    /// The least severe <see cref="LoggingLevel"/> the client wants as log notifications for this request, such as
    /// <c>"info"</c>; it replaces <c>logging/setLevel</c>.
    /// </summary>
    public const string LogLevel = "io.modelcontextprotocol/logLevel";

    /// <summary>The server's name and version (an <see cref="Implementation"/>), in a result's <c>_meta</c>.</summary>
    public const string ServerInfo = "io.modelcontextprotocol/serverInfo";
}
