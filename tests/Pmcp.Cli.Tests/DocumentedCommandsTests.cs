using Pmcp.Cli.Commands;
using Pmcp.Testing;

namespace Pmcp.Cli.Tests;

/// <summary>
/// Every <c>dotnet pmcp</c> command in the README's and docs/'s shell examples (```bash blocks) must be one the CLI
/// accepts as written: its command, options and arguments, checked in seconds. Pmcp.WorkerdTests' DocsCommandsTests runs
/// every command of those blocks end to end.
/// </summary>
public sealed class DocumentedCommandsTests
{
    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md").Prepend(Path.Combine(Repo.Root, "README.md"));
        foreach (var file in files)
        {
            foreach (var command in ShellExamples(File.ReadAllText(file)))
            {
                data.Add(Path.GetRelativePath(Repo.Root, file).Replace('\\', '/'), command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void TheCliAcceptsTheDocumentedCommand(string file, string command)
    {
        var arguments = DocsShell.Words(command)[2..]; // after "dotnet pmcp"
        var result = CliRoot.Create().Parse(arguments);

        Assert.True(result.Errors.Count == 0, $"{file}: `{command}`: {string.Join("; ", result.Errors.Select(e => e.Message))}");
    }

    [Fact]
    public void TheDocsShowTheWholeWorkflow()
    {
        var commands = Commands().Select(row => (string)row[1]).ToList();

        foreach (var verb in new[] { "new", "dev", "deploy init", "deploy build", "deploy secrets set", "deploy outputs", "deploy logs", "deploy destroy", "connect" })
        {
            Assert.Contains(commands, c => c.StartsWith("dotnet pmcp " + verb + " ", StringComparison.Ordinal));
        }
    }

    /// <summary>The <c>dotnet pmcp</c> commands of the ```bash blocks, without their comments (or what is piped into them).</summary>
    private static IEnumerable<string> ShellExamples(string markdown)
    {
        foreach (var line in DocsShell.Commands(markdown))
        {
            var start = line.IndexOf("dotnet pmcp ", StringComparison.Ordinal);
            if (start >= 0 && (start == 0 || line[..start].TrimEnd().EndsWith('|')))
            {
                yield return line[start..];
            }
        }
    }
}
