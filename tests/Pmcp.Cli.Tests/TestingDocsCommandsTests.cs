using System.Text.RegularExpressions;
using Pmcp.Cli.Commands;
using Pmcp.Testing;

namespace Pmcp.Cli.Tests;

/// <summary>
/// docs/testing.md shows its commands in a ```text block (they need a running or deployed server, so the docs walk of
/// Pmcp.WorkerdTests, which runs ```bash blocks, does not run them); the CLI must still accept each as written.
/// </summary>
public sealed partial class TestingDocsCommandsTests
{
    [Fact]
    public void TheCliAcceptsEveryTestCheckCommandOfTheTestingDocs()
    {
        var markdown = File.ReadAllText(Path.Combine(Repo.Root, "docs", "testing.md"));
        var commands = TextBlock().Matches(markdown)
            .SelectMany(m => m.Groups["body"].Value.Split('\n'))
            .Select(line => line.Split('#')[0].Split('>')[0].Trim())
            .Where(line => line.StartsWith("dotnet pmcp ", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            var result = CliRoot.Create().Parse(DocsShell.Words(command)[2..]);
            Assert.True(result.Errors.Count == 0, $"`{command}`: {string.Join("; ", result.Errors.Select(e => e.Message))}");
        }
    }

    [GeneratedRegex(@"```text\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex TextBlock();
}
