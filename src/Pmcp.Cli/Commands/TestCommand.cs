using System.CommandLine;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test</c>: checks an MCP server, local or deployed, from the command line and from CI.</summary>
internal static class TestCommand
{
    public static Command Create() => new("test", """
        Test an MCP server, local or deployed, from the command line and from CI.

        Examples:
          dotnet pmcp test check samples/HelloWorld --native
          dotnet pmcp test check http://127.0.0.1:8787/mcp
          dotnet pmcp test check https://my-server.example.workers.dev/mcp --api-key-env MCP_API_KEY --format junit
          dotnet pmcp test conformance samples/Conformance --native --spec-version 2025-11-25
          dotnet pmcp test generate samples/HelloWorld -o scenarios.yaml
          dotnet pmcp test run scenarios.yaml samples/HelloWorld
          dotnet pmcp test load http://127.0.0.1:8787/mcp --concurrency 16 --duration 30
        """)
    {
        TestCheckCommand.Create(),
        TestConformanceCommand.Create(),
        TestGenerateCommand.Create(),
        TestRunCommand.Create(),
        TestLoadCommand.Create(),
    };
}

