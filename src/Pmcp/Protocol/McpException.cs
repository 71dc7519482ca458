using System.Text.Json;

namespace Pmcp.Protocol;

/// <summary>
/// Thrown to answer a request with a JSON-RPC error. Any other exception thrown by a handler becomes
/// -32603 with a generic message (a tool's exception becomes an <c>isError</c> result instead).
/// </summary>
/// <param name="code">The JSON-RPC error code; see <see cref="McpErrorCodes"/>.</param>
/// <param name="message">The error's <c>message</c>, sent to the client as is.</param>
/// <param name="data">The error's <c>data</c>; null for none.</param>
public class McpException(int code, string message, JsonElement? data = null) : Exception(message)
{
    /// <summary>The JSON-RPC error's <c>code</c>; see <see cref="McpErrorCodes"/>.</summary>
    public int Code { get; } = code;

    /// <summary>The JSON-RPC error's <c>data</c>.</summary>
    public JsonElement? ErrorData { get; } = data;

    /// <summary>A -32602 (<see cref="McpErrorCodes.InvalidParams"/>) error with <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong with the params, sent to the client.</param>
    public static McpException InvalidParams(string message) => new(McpErrorCodes.InvalidParams, message);

    /// <summary>A -32601 (<see cref="McpErrorCodes.MethodNotFound"/>) error naming <paramref name="method"/>.</summary>
    /// <param name="method">The method the client called.</param>
    public static McpException MethodNotFound(string method) => new(McpErrorCodes.MethodNotFound, $"Method not found: {method}");
}
