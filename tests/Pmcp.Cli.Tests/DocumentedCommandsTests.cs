using System.Text;
using System.Text.RegularExpressions;
using Pmcp.Cli.Commands;

namespace Pmcp.Cli.Tests;

/// <summary>
/// Every <c>dotnet pmcp</c> command in the README's and docs/'s shell examples (```bash blocks) must be one the CLI
/// accepts as written: its command, options and arguments, checked in seconds. Pmcp.WorkerdTests' DocsCommandsTests runs
/// every command of those blocks end to end.
/// </summary>
public sealed partial class DocumentedCommandsTests
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
        var arguments = Words(command)[2..]; // after "dotnet pmcp"
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
        foreach (Match block in BashBlock().Matches(markdown))
        {
            foreach (var raw in block.Groups["body"].Value.Split('\n'))
            {
                var line = TrailingComment().Replace(raw, "").Trim();
                var start = line.IndexOf("dotnet pmcp ", StringComparison.Ordinal);
                if (start >= 0 && (start == 0 || line[..start].TrimEnd().EndsWith('|')))
                {
                    yield return line[start..];
                }
            }
        }
    }

    /// <summary>Splits a command line as a shell does for the quoting the docs use ('…' and "…").</summary>
    private static string[] Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    [GeneratedRegex(@"```bash\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>A comment: a # after at least two spaces (the docs align them), outside any quotes the examples use.</summary>
    [GeneratedRegex(@"\s{2,}#.*$")]
    private static partial Regex TrailingComment();
}
