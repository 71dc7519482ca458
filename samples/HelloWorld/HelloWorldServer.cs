using Pmcp.Protocol;
using Pmcp.Server;

namespace HelloWorld;

/// <summary>The chapter's server: <c>query</c> lists the users of a department, <c>echo</c> returns its message.</summary>
public sealed class HelloWorldServer : IMcpServerFactory
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
            .Tool<QueryInput, User[]>(
                "query",
                "List the users of a department",
                input => [.. Directory.Where(u => string.Equals(u.Department, input.Department, StringComparison.OrdinalIgnoreCase))],
                new ToolOptions { Annotations = new ToolAnnotations { ReadOnlyHint = true, OpenWorldHint = false } })
            .Tool<EchoInput, string>(
                "echo",
                "Return the message it is given",
                input => input.Message,
                new ToolOptions { Annotations = new ToolAnnotations { ReadOnlyHint = true, IdempotentHint = true, OpenWorldHint = false } })
            .Build();
}
