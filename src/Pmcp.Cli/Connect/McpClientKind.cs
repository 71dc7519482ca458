namespace Pmcp.Cli.Connect;

/// <summary>The clients <c>dotnet pmcp connect</c> knows, by the names <c>--client</c> takes.</summary>
internal static class McpClientKind
{
    public const string ClaudeCode = "claude-code";
    public const string ClaudeDesktop = "claude-desktop";
    public const string ChatGpt = "chatgpt";
    public const string VsCode = "vscode";
    public const string Cursor = "cursor";
    public const string Inspector = "inspector";
    public const string All = "all";

    public static readonly string[] Each = [ClaudeCode, ClaudeDesktop, ChatGpt, VsCode, Cursor, Inspector];
}
