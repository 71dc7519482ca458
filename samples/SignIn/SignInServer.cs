using System.ComponentModel;
using Pmcp.Server;

namespace SignIn;

/// <summary>
/// Tools for signed-in users: the Worker is its own OAuth authorization server (<c>[auth] server = "built-in"</c>),
/// so MCP clients register, send the user to sign in at the provider, and call these with the token it issues.
/// </summary>
[McpToolSet]
public sealed partial class SignInServer : IMcpServerFactory
{
    public static McpServer CreateServer() => McpServer.CreateBuilder("sign-in", "1.0.0").WithTools<SignInServer>().Build();

    [McpTool("whoami", ReadOnly = true, OpenWorld = false), Description("Who is signed in, and what they may do")]
    public static string WhoAmI(McpRequestContext context)
    {
        var caller = context.Caller!;
        return $"{caller.Claim("name") ?? caller.Subject} ({caller.Claim("email") ?? "no email"}), signed in through {caller.Claim("client_id")} with scopes: {string.Join(' ', caller.Scopes.Order(StringComparer.Ordinal))}";
    }

    [McpTool("write_note", RequiredScopes = ["notes:write"]), Description("Needs the scope notes:write: a client without it is asked to sign in again for it")]
    public static string WriteNote([Description("The note")] string text, McpRequestContext context) =>
        $"{context.Caller!.Subject} wrote: {text}";
}
