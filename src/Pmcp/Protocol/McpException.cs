using System.Text.Json;

namespace Pmcp.Protocol;

/// <summary>
/// Thrown to answer a request with a JSON-RPC error. Any other exception thrown by a handler becomes
/// -32603 with a generic message (a tool's exception becomes an <c>isError</c> result instead).
/// </summary>
public class McpException(int code, string message, JsonElement? data = null) : Exception(message)
{
    public int Code { get; } = code;

    /// <summary>The JSON-RPC error's <c>data</c>.</summary>
    public JsonElement? ErrorData { get; } = data;

    public static McpException InvalidParams(string message) => new(McpErrorCodes.InvalidParams, message);

    public static McpException MethodNotFound(string method) => new(McpErrorCodes.MethodNotFound, $"Method not found: {method}");
}
