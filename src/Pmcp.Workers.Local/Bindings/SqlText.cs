using System.Globalization;
using System.Text;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// Just enough of SQLite's lexer to find parameters and statement boundaries outside string literals, quoted
/// identifiers and comments.
/// </summary>
internal static class SqlText
{
    /// <summary>
    /// Gives each plain <c>?</c> the number SQLite would (one more than the largest so far), so that every parameter
    /// can be bound by its name <c>?N</c>. Returns the rewritten SQL and the number of parameters it takes.
    /// </summary>
    public static (string Sql, int ParameterCount) NumberParameters(string sql)
    {
        StringBuilder? rewritten = null;
        var copied = 0;
        var max = 0;
        for (var i = 0; i < sql.Length;)
        {
            var skip = SkipQuotedOrComment(sql, i);
            if (skip > i)
            {
                i = skip;
                continue;
            }

            if (sql[i] != '?')
            {
                i++;
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < sql.Length && char.IsAsciiDigit(sql[end]))
            {
                end++;
            }

            if (end > start)
            {
                max = Math.Max(max, int.Parse(sql.AsSpan(start, end - start), CultureInfo.InvariantCulture));
            }
            else
            {
                max++;
                rewritten ??= new StringBuilder(sql.Length + 16);
                rewritten.Append(sql, copied, start - copied).Append(max.ToString(CultureInfo.InvariantCulture));
                copied = start;
            }

            i = end;
        }

        return (rewritten is null ? sql : rewritten.Append(sql, copied, sql.Length - copied).ToString(), max);
    }

    /// <summary>The statements of a script, split at semicolons that end them, without empty ones.</summary>
    public static IReadOnlyList<string> SplitStatements(string sql)
    {
        var statements = new List<string>();
        var start = 0;
        var depth = 0; // inside CREATE TRIGGER … BEGIN … END, semicolons do not end the statement
        for (var i = 0; i < sql.Length;)
        {
            var skip = SkipQuotedOrComment(sql, i);
            if (skip > i)
            {
                i = skip;
                continue;
            }

            if (char.IsAsciiLetter(sql[i]))
            {
                var end = i;
                while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
                {
                    end++;
                }

                var word = sql.AsSpan(i, end - i);
                if ((word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) && IsTriggerBody(sql, start, i))
                    || (word.Equals("CASE", StringComparison.OrdinalIgnoreCase) && depth > 0))
                {
                    depth++;
                }
                else if (word.Equals("END", StringComparison.OrdinalIgnoreCase) && depth > 0)
                {
                    depth--;
                }

                i = end;
                continue;
            }

            if (sql[i] == ';' && depth == 0)
            {
                Add(sql[start..i]);
                start = i + 1;
            }

            i++;
        }

        Add(sql[start..]);
        return statements;

        void Add(string statement)
        {
            if (!IsBlank(statement))
            {
                statements.Add(statement.Trim());
            }
        }
    }

    /// <summary>True when the text holds nothing but whitespace and comments.</summary>
    public static bool IsBlank(string sql)
    {
        for (var i = 0; i < sql.Length;)
        {
            if (char.IsWhiteSpace(sql[i]))
            {
                i++;
                continue;
            }

            var skip = SkipComment(sql, i);
            if (skip == i)
            {
                return false;
            }

            i = skip;
        }

        return true;
    }

    private static bool IsTriggerBody(string sql, int statementStart, int at) =>
        sql.AsSpan(statementStart, at - statementStart).Contains("TRIGGER", StringComparison.OrdinalIgnoreCase);

    /// <summary>The index after the literal, quoted identifier or comment starting at <paramref name="i"/>, or <paramref name="i"/>.</summary>
    private static int SkipQuotedOrComment(string sql, int i)
    {
        var close = sql[i] switch
        {
            '\'' => '\'',
            '"' => '"',
            '`' => '`',
            '[' => ']',
            _ => '\0',
        };
        if (close == '\0')
        {
            return SkipComment(sql, i);
        }

        for (var j = i + 1; j < sql.Length; j++)
        {
            if (sql[j] == close)
            {
                // A doubled quote is an escaped one and the literal goes on.
                if (close != ']' && j + 1 < sql.Length && sql[j + 1] == close)
                {
                    j++;
                    continue;
                }

                return j + 1;
            }
        }

        return sql.Length;
    }

    private static int SkipComment(string sql, int i)
    {
        if (sql.AsSpan(i).StartsWith("--"))
        {
            var end = sql.IndexOf('\n', i);
            return end < 0 ? sql.Length : end + 1;
        }

        if (sql.AsSpan(i).StartsWith("/*"))
        {
            var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return end < 0 ? sql.Length : end + 2;
        }

        return i;
    }
}
