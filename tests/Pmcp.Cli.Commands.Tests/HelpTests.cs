using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData(new string[0], "dotnet pmcp new MyServer")]
    [InlineData(new[] { "new" }, "dotnet pmcp new MyServer")]
    [InlineData(new[] { "connect" }, "dotnet pmcp connect --client claude-desktop --api-key-env MCP_API_KEY")]
    public async Task HelpSaysWhatTheCommandDoesWithExamples(string[] command, string example)
    {
        var (exitCode, stdout, stderr) = await Cli.RunAsync(RepoPaths.Root, [.. command, "--help"]);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("Examples:", stdout, StringComparison.Ordinal);
        Assert.Contains(example, stdout, StringComparison.Ordinal);
    }
}
