using System.Text;
using System.Text.RegularExpressions;

namespace Pmcp.Testing;

/// <summary>The shell commands the README and docs/ show in their ```bash blocks, read as a shell would read them.</summary>
public static partial class DocsShell
{
    /// <summary>The commands of the ```bash blocks: comments removed, a line ending in \ joined with the next.</summary>
    public static IEnumerable<string> Commands(string markdown)
    {
        foreach (Match block in BashBlock().Matches(markdown))
        {
            var pending = "";
            foreach (var raw in block.Groups["body"].Value.Split('\n'))
            {
                var line = TrailingComment().Replace(raw, "").Trim();
                if (line.EndsWith('\\'))
                {
                    pending += line[..^1].TrimEnd() + " ";
                    continue;
                }

                line = (pending + line).Trim();
                pending = "";
                if (line.Length > 0 && !line.StartsWith('#'))
                {
                    yield return line;
                }
            }
        }
    }

    /// <summary>Splits a command line as a shell does for the quoting the docs use ('…' and "…").</summary>
    public static string[] Words(string line)
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

    /// <summary>A comment: a # after at least two spaces (the docs align them).</summary>
    [GeneratedRegex(@"\s{2,}#.*$")]
    private static partial Regex TrailingComment();
}
