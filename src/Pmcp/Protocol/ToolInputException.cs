namespace Pmcp.Protocol;

/// <summary>
/// A tool's arguments do not fit its input schema. Before MCP 2025-11-25 this is a -32602 error;
/// from then on it is a tool result with <c>isError</c>, so the model can correct its call.
/// </summary>
/// <param name="message">What does not fit, naming the argument; sent to the client (or the model) as is.</param>
public sealed class ToolInputException(string message) : McpException(McpErrorCodes.InvalidParams, message);
