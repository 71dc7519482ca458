namespace Pmcp.Protocol;

/// <summary>The reserved <c>_meta</c> keys of the stateless revision (2026-07-28).</summary>
public static class MetaKeys
{
    public const string ProtocolVersion = "io.modelcontextprotocol/protocolVersion";
    public const string ClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
    public const string ClientInfo = "io.modelcontextprotocol/clientInfo";
    public const string LogLevel = "io.modelcontextprotocol/logLevel";
    public const string ServerInfo = "io.modelcontextprotocol/serverInfo";
}
