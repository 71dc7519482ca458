using System.Text;

namespace Pmcp.Cli.Processes;

/// <summary>
/// The private file that hands secrets to <c>wrangler dev --env-file</c>, never its command line. wrangler reads it
/// with <c>dotenv</c> (16.x) and then expands it with <c>dotenv-expand</c> (12.x), so a value written as is would be
/// cut at <c>#</c>, trimmed, unquoted and have <c>$NAME</c> replaced. <see cref="Quote"/> writes each value so that
/// those two steps give back exactly the value: <c>$</c> becomes <c>\$</c> (dotenv-expand's escape), then the whole is
/// wrapped in quotes dotenv strips without interpreting anything (<c>'…'</c> or <c>`…`</c>), or in <c>"…"</c>, whose
/// only escapes are <c>\n</c> and <c>\r</c>.
/// </summary>
internal static class PrivateEnvFile
{
    /// <summary>
    /// Creates the file, readable and writable by its owner only from the moment it exists (never chmod-ed after the
    /// fact), and returns its path. Every value is quoted with <see cref="Quote"/> first, so an unquotable one throws
    /// before anything is written.
    /// </summary>
    public static string Create(params (string Name, string Value)[] values)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in values)
        {
            text.Append(name).Append('=').Append(Quote(name, value)).Append('\n');
        }

        var path = Path.Combine(Path.GetTempPath(), $"pmcp-dev-{Guid.NewGuid():N}.env");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(path, options))
        {
            file.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString()));
        }

        return path;
    }

    /// <summary>
    /// The value as wrangler's env file must hold it to read it back exactly. Throws a <see cref="CliException"/>,
    /// saying what to change, for the values no quoting carries: a line break or NUL (which an HTTP header cannot carry
    /// either), or a value holding <c>'</c>, <c>`</c> and <c>"</c> at once (or <c>'</c>, <c>`</c> and the two characters
    /// <c>\n</c> or <c>\r</c>, which double quotes would turn into a line break).
    /// </summary>
    public static string Quote(string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new CliException(
                $"The value of {name} holds a line break or NUL character, which wrangler's env file cannot carry (nor can an HTTP header). " +
                $"Set {name} to a single line, e.g. export {name}=\"$(openssl rand -hex 32)\".");
        }

        // dotenv-expand replaces $NAME and ${NAME} in every value, quoted or not, and then turns \$ into $.
        var escaped = value.Replace("$", "\\$", StringComparison.Ordinal);
        if (!escaped.Contains('\'', StringComparison.Ordinal))
        {
            return $"'{escaped}'";
        }

        if (!escaped.Contains('`', StringComparison.Ordinal))
        {
            return $"`{escaped}`";
        }

        if (!escaped.Contains('"', StringComparison.Ordinal)
            && !escaped.Contains("\\n", StringComparison.Ordinal)
            && !escaped.Contains("\\r", StringComparison.Ordinal))
        {
            return $"\"{escaped}\"";
        }

        throw new CliException(
            $"The value of {name} holds a single quote ('), a backtick (`) and either a double quote (\") or a backslash followed by n or r, " +
            "and wrangler's env file (dotenv) has no quoting that keeps such a value exactly. " +
            $"Use a value without one of ' ` \" (a random key such as export {name}=\"$(openssl rand -hex 32)\" has none).");
    }
}
