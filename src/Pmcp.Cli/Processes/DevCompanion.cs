using Tomlyn.Model;

namespace Pmcp.Cli.Processes;

/// <summary>
/// One <c>[[start]]</c> of <c>.pmcp/dev.toml</c>: a program <c>dotnet pmcp dev</c> runs beside the server, from the
/// project's folder. <see cref="ReadyUrl"/>, when set, is polled until it answers before the server starts.
/// </summary>
internal sealed record DevCompanion(string Name, IReadOnlyList<string> Command, Uri? ReadyUrl)
{
    public static DevCompanion FromToml(TomlTable table, string file, int index)
    {
        var where = $"'{file}' [[start]] #{index + 1}";
        foreach (var key in table.Keys.Where(k => k is not ("name" or "command" or "ready_url")))
        {
            throw new CliException($"{where}: unknown key '{key}'; a [[start]] has name, command and (optional) ready_url.");
        }

        if (!table.TryGetValue("name", out var nameValue) || nameValue is not string name || name.Length is 0 or > 40
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new CliException($"{where}: name must be a short word (letters, digits, - and _), e.g. name = \"provider\"; it prefixes the program's output.");
        }

        where = $"'{file}' [[start]] {name}";
        if (!table.TryGetValue("command", out var commandValue) || commandValue is not TomlArray array || array.Count == 0
            || array.Any(a => a is not string s || s.Length == 0))
        {
            throw new CliException($"{where}: command must be the program and its arguments as an array of strings, e.g. command = [\"node\", \"provider.mjs\"] (run from the project's folder, without a shell).");
        }

        Uri? ready = null;
        if (table.TryGetValue("ready_url", out var readyValue))
        {
            if (readyValue is not string text || !Uri.TryCreate(text, UriKind.Absolute, out ready) || ready.Scheme is not ("http" or "https"))
            {
                throw new CliException($"{where}: ready_url must be an http(s) URL the program answers once it is ready, e.g. ready_url = \"http://127.0.0.1:9100/\".");
            }
        }

        return new DevCompanion(name, [.. array.Cast<string>()], ready);
    }
}
