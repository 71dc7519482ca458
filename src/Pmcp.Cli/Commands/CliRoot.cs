using System.CommandLine;

namespace Pmcp.Cli.Commands;

/// <summary>The <c>dotnet pmcp</c> command tree: what Program runs, and what the documentation's examples are checked against.</summary>
internal static class CliRoot
{
    public static RootCommand Create() =>
        new RootCommand("""
            Pmcp for .NET: write an MCP server in C#, run it locally, deploy it to Cloudflare Workers.

            Examples:
              dotnet pmcp new MyServer                        create a server project, its tests and a solution in ./MyServer
              dotnet pmcp dev samples/HelloWorld              serve a server project in workerd on http://127.0.0.1:8787/mcp
              dotnet pmcp dev samples/HelloWorld --native     the same natively, on Kestrel
              dotnet pmcp deploy init samples/HelloWorld      write .pmcp/deploy.toml and the wrangler.toml made from it
              dotnet pmcp deploy build samples/HelloWorld     build its Cloudflare Worker bundle
              dotnet pmcp deploy samples/HelloWorld           build it and deploy it with wrangler (--dry-run: check only)
              dotnet pmcp deploy outputs samples/HelloWorld   its WorkerUrl and McpEndpoint
              dotnet pmcp login                               log in to Cloudflare in your browser (the pinned wrangler's login)
              dotnet pmcp whoami                              who deploy deploys as, and to which accounts
              dotnet pmcp connect --client vscode             the configuration of an MCP client for the local server
              dotnet pmcp test check samples/HelloWorld       serve it, check it as an MCP client (protocol, schemas, HTTP rules), stop it
              dotnet pmcp test check https://…/mcp            check a deployed server (only its read-only tools are called)
            """)
        {
            NewCommand.Create(),
            DevCommand.Create(),
            DeployCommand.Create(),
            ConnectCommand.Create(),
            TestCommand.Create(),
            LoginCommand.Create(),
            WhoamiCommand.Create(),
            ToolsCommand.Create(),
        };
}
