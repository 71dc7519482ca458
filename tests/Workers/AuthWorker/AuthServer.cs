using System.ComponentModel;
using Pmcp.Server;

namespace AuthWorker;

/// <summary>Tools that show who is calling, and one that needs a scope of its own.</summary>
[McpToolSet]
public sealed partial class AuthServer : IMcpServerFactory
{
    public static McpServer CreateServer() => McpServer.CreateBuilder("auth-worker", "1.0.0").WithTools<AuthServer>().Build();

    [McpTool("whoami"), Description("The caller's subject, scopes and client")]
    public static async Task<string> WhoAmI(McpRequestContext context)
    {
        // A pause, so that concurrent calls overlap inside the isolate.
        await Task.Delay(20, context.CancellationToken);
        var caller = context.Caller;
        return caller is null ? "anonymous" : $"{caller.Subject}|{string.Join(' ', caller.Scopes.Order(StringComparer.Ordinal))}|{caller.Claim("client_id")}";
    }

    [McpTool("write_note", RequiredScopes = ["notes:write"]), Description("Needs the scope notes:write")]
    public static string WriteNote([Description("The note")] string text) => "wrote " + text;
}
