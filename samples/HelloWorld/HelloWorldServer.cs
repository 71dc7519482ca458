using System.ComponentModel;
using Pmcp.Server;

namespace HelloWorld;

/// <summary>
/// The smallest server: <c>query</c> lists the users of a department, <c>echo</c> returns its message.
/// Its tools are declared with attributes: their schemas are computed at compile time and their arguments
/// are bound by generated code, so nothing is reflected over at run time.
/// </summary>
[McpToolSet]
public sealed partial class HelloWorldServer : IMcpServerFactory
{
    private static readonly User[] Directory =
    [
        new("Ada Lovelace", "ada@example.com", "engineering"),
        new("Grace Hopper", "grace@example.com", "engineering"),
        new("Mary Jackson", "mary@example.com", "research"),
    ];

    public static McpServer CreateServer() =>
        McpServer.CreateBuilder("hello-world", "1.0.0")
            .WithJsonContext(HelloWorldJsonContext.Default)
            .WithTools<HelloWorldServer>()
            .Build();

    [McpTool("query", ReadOnly = true, OpenWorld = false), Description("List the users of a department")]
    public static User[] Query([Description("Department to list, such as \"engineering\"")] string department) =>
        [.. Directory.Where(u => string.Equals(u.Department, department, StringComparison.OrdinalIgnoreCase))];

    [McpTool("echo", ReadOnly = true, Idempotent = true, OpenWorld = false), Description("Return the message it is given")]
    public static string Echo([Description("The message to send back")] string message) => message;
}
