namespace Pmcp.Server;

/// <summary>
/// What <see cref="McpServer.OnUnhandledException"/> receives when a tool throws: the tool's name and, as the inner
/// exception, what it threw (whole, for the server's log; the client sees it only with
/// <see cref="McpServerBuilder.WithToolErrorDetails"/>).
/// </summary>
public sealed class ToolFailedException(string tool, Exception inner) : Exception($"Tool '{tool}' failed: {inner.Message}", inner)
{
    /// <summary>The name of the tool that threw.</summary>
    public string Tool { get; } = tool;
}
