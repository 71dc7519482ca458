using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData(new string[0], "dotnet pmcp new MyServer")]
    [InlineData(new[] { "new" }, "dotnet pmcp new my-server")]
    [InlineData(new[] { "dev" }, "dotnet pmcp dev samples/Notes --env staging")]
    [InlineData(new[] { "connect" }, "dotnet pmcp connect --client claude-desktop --api-key-env MCP_API_KEY")]
    [InlineData(new[] { "deploy" }, "dotnet pmcp deploy samples/Notes --env staging")]
    [InlineData(new[] { "deploy", "init" }, "dotnet pmcp deploy init --target cloudflare-workers")]
    [InlineData(new[] { "deploy", "build" }, "dotnet pmcp deploy build samples/HelloWorld")]
    [InlineData(new[] { "deploy", "outputs" }, "dotnet pmcp deploy outputs --env staging --format json")]
    [InlineData(new[] { "deploy", "destroy" }, "dotnet pmcp deploy destroy --env staging")]
    [InlineData(new[] { "deploy", "logs" }, "dotnet pmcp deploy logs --env production --tail --status error")]
    [InlineData(new[] { "deploy", "secrets" }, "dotnet pmcp deploy secrets list")]
    [InlineData(new[] { "deploy", "secrets", "set" }, "dotnet pmcp deploy secrets set MCP_API_KEY --from-env MCP_API_KEY")]
    [InlineData(new[] { "deploy", "secrets", "list" }, "dotnet pmcp deploy secrets list --env production --format json")]
    [InlineData(new[] { "deploy", "secrets", "delete" }, "dotnet pmcp deploy secrets delete MCP_API_KEY --env staging --yes")]
    [InlineData(new[] { "tools", "install" }, "PMCP_TOOLS_DIR=/opt/pmcp-tools dotnet pmcp tools install")]
    [InlineData(new[] { "login" }, "dotnet pmcp login --no-browser")]
    [InlineData(new[] { "whoami" }, "dotnet pmcp whoami --json")]
    [InlineData(new[] { "test" }, "dotnet pmcp test check http://127.0.0.1:8787/mcp")]
    [InlineData(new[] { "test", "check" }, "dotnet pmcp test check https://my-server.example.workers.dev/mcp --format junit > pmcp-check.xml")]
    [InlineData(new[] { "test", "conformance" }, "dotnet pmcp test conformance samples/Conformance --native")]
    [InlineData(new[] { "test", "generate" }, "dotnet pmcp test generate samples/HelloWorld --native -o scenarios.yaml")]
    [InlineData(new[] { "test", "run" }, "dotnet pmcp test run scenarios.yaml samples/HelloWorld --native")]
    [InlineData(new[] { "test", "load" }, "dotnet pmcp test load samples/HelloWorld --native --concurrency 16 --duration 30")]
    [InlineData(new[] { "deploy", "test" }, "dotnet pmcp deploy test samples/Notes --env staging --api-key-env MCP_API_KEY --format junit")]
    public async Task HelpSaysWhatTheCommandDoesWithExamples(string[] command, string example)
    {
        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, [.. command, "--help"]);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("Examples:", stdout, StringComparison.Ordinal);
        Assert.Contains(example, stdout, StringComparison.Ordinal);
    }
}
