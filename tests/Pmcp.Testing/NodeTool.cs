namespace Pmcp.Testing;

/// <summary>
/// Runs the Node side of the tests (tests/e2e). A missing Node or missing npm packages is a failure with the fix
/// in the message, never a skip.
/// </summary>
public static class NodeTool
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, string? node = null)
    {
        EnsureInstalled();
        try
        {
            return await TestProcess.RunAsync(node ?? "node", [script, .. arguments], RepoPaths.E2e, timeout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Node.js is needed for the end-to-end tests and was not found ({e.Message}). Install Node 20+.", e);
        }
    }

    private static void EnsureInstalled()
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.E2e, "node_modules", "@modelcontextprotocol", "sdk")))
        {
            throw new InvalidOperationException("The official MCP client is not installed. Run: npm ci --prefix tests/e2e (eng/test.sh does it).");
        }
    }
}
