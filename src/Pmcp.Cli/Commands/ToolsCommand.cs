using System.CommandLine;
using Pmcp.Cli.Tools;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp tools install</c>: installs the pinned wrangler and conformance suite ahead of time (CI images, offline work later).</summary>
internal static class ToolsCommand
{
    public static Command Create()
    {
        var install = new Command("install", $"""
            Install the pinned wrangler {PinnedTools.Wrangler} (with workerd {PinnedTools.Workerd}, and a Node {PinnedTools.Node}
            when the machine's Node is older than wrangler needs), and the official MCP conformance suite
            {PinnedTools.Conformance} that dotnet pmcp test conformance runs, into the tools cache: ~/.pmcp/tools, or
            PMCP_TOOLS_DIR. dev, deploy and test do this on first use; run it ahead of time to warm a CI image. Does nothing
            when installed.

            Examples:
              dotnet pmcp tools install
              PMCP_TOOLS_DIR=/opt/pmcp-tools dotnet pmcp tools install
            """);
        install.SetAction(async (_, cancellationToken) =>
        {
            var (node, script) = await AnsiConsole.Status().StartAsync("Checking the tools cache…", status =>
                ToolsCache.EnsureWranglerAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken));
            Console.WriteLine($"wrangler {PinnedTools.Wrangler}: {script}");
            Console.WriteLine($"run with: {node}");
            var (conformanceNode, conformance) = await AnsiConsole.Status().StartAsync("Checking the tools cache…", status =>
                ToolsCache.EnsureConformanceAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken));
            Console.WriteLine($"@modelcontextprotocol/conformance {PinnedTools.Conformance}: {conformance}");
            Console.WriteLine($"run with: {conformanceNode}");
            return 0;
        });

        return new Command("tools", "Manage the pinned tools dotnet pmcp runs (wrangler, workerd, Node, the MCP conformance suite).") { install };
    }
}
