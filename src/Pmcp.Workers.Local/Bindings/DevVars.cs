using System.Text;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// Secrets for local runs from <c>.dev.vars</c>, in the dotenv format wrangler reads: <c>NAME=value</c> lines, <c>#</c>
/// comments, an optional <c>export </c>, values in single quotes taken literally, in double quotes with <c>\n</c>
/// escapes and line breaks allowed, unquoted ones trimmed and ending at <c> #</c>.
/// </summary>
public static class DevVars
{
    /// <summary>Reads the file; a missing file has no secrets.</summary>
    /// <param name="path">The <c>.dev.vars</c> file.</param>
    /// <exception cref="WorkerException">A line is not <c>NAME=value</c>, or a quote never closes.</exception>
    public static IReadOnlyDictionary<string, string> Load(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path) : new Dictionary<string, string>();

    /// <summary>Reads dotenv text; a name given twice keeps its last value.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="path">The file's path, for error messages.</param>
    /// <returns>The values by name (names are case-sensitive).</returns>
    /// <exception cref="WorkerException">
    /// A line is not <c>NAME=value</c> (a name of letters, digits, <c>_</c>, <c>.</c> and <c>-</c>), or a quote
    /// never closes; the message names the line.
    /// </exception>
    public static IReadOnlyDictionary<string, string> Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? line[..equals].Trim() : "";
            if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
            {
                throw new WorkerException($"{path}, line {i + 1}: expected NAME=value (letters, digits and _ in the name), e.g. API_KEY=secret.");
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length > 0 && value[0] is '"' or '\'')
            {
                var quote = value[0];
                var body = new StringBuilder(value[1..]);
                var start = i;
                while (ClosingQuote(body, quote) < 0)
                {
                    if (++i >= lines.Length)
                    {
                        throw new WorkerException($"{path}, line {start + 1}: the value of {name} opens a {quote} quote that never closes.");
                    }

                    body.Append('\n').Append(lines[i]);
                }

                var raw = body.ToString(0, ClosingQuote(body, quote));
                value = quote == '"' ? Unescape(raw) : raw;
            }
            else if (value.IndexOf(" #", StringComparison.Ordinal) is >= 0 and var comment)
            {
                value = value[..comment].TrimEnd();
            }

            values[name] = value;
        }

        return values;
    }

    private static int ClosingQuote(StringBuilder body, char quote)
    {
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && quote == '"')
            {
                i++;
            }
            else if (body[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unescape(string raw)
    {
        var text = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\' || i + 1 == raw.Length)
            {
                text.Append(raw[i]);
                continue;
            }

            text.Append(raw[++i] switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                var other => other,
            });
        }

        return text.ToString();
    }
}
