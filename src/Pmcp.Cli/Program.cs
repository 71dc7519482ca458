using System.CommandLine;
using Pmcp.Cli.Commands;

var root = new RootCommand("""
    Pmcp for .NET: write an MCP server in C#, run it locally, deploy it to Cloudflare Workers.

    Examples:
      dotnet pmcp dev samples/HelloWorld --native     serve a server project on http://127.0.0.1:8787/mcp
    """)
{
    DevCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
