using System.CommandLine;
using Pmcp.Cli;
using Pmcp.Cli.Commands;
using Pmcp.Cli.Processes;

var root = new RootCommand("""
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
    """)
{
    NewCommand.Create(),
    DevCommand.Create(),
    DeployCommand.Create(),
    ConnectCommand.Create(),
    LoginCommand.Create(),
    WhoamiCommand.Create(),
    ToolsCommand.Create(),
};

try
{
    // Ctrl+C, SIGINT and SIGTERM cancel the command's token; System.CommandLine exits on its own only after this long,
    // which leaves dev the time to stop wrangler and workerd, or the native host, before it returns.
    var invocation = new InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = ChildProcess.StopGrace + TimeSpan.FromSeconds(5),
    };
    return await root.Parse(args).InvokeAsync(invocation);
}
catch (CliException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
