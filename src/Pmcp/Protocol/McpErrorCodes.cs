namespace Pmcp.Protocol;

/// <summary>JSON-RPC 2.0 and MCP error codes.</summary>
public static class McpErrorCodes
{
    /// <summary>JSON-RPC: the message is not valid JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>JSON-RPC: the JSON is not a valid request object.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>JSON-RPC: the method does not exist or the server does not offer it.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>JSON-RPC: the params are missing, of the wrong type or out of range.</summary>
    public const int InvalidParams = -32602;

    /// <summary>JSON-RPC: the server failed while handling the request.</summary>
    public const int InternalError = -32603;

    /// <summary>MCP: the requested resource does not exist (2024-11-05 through 2025-06-18).</summary>
    public const int ResourceNotFound = -32002;

    /// <summary>MCP 2026-07-28: a required header is missing or disagrees with the body.</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>MCP 2026-07-28: the request needs a client capability the client did not declare.</summary>
    public const int MissingRequiredClientCapability = -32021;

    /// <summary>MCP 2026-07-28: the requested protocol version is not implemented; data lists the supported ones.</summary>
    public const int UnsupportedProtocolVersion = -32022;
}
