using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Processes;

/// <summary>
/// <c>.pmcp/dev.toml</c>: what <c>dotnet pmcp dev</c> alone uses, never deployed. <c>[[start]]</c> names the programs it
/// starts beside the server (a local sign-in provider, a stand-in API) and stops with it; <c>[vars]</c> are values the
/// server gets under dev only (a local stand-in's client secret), each overridden by a line of <c>.dev.vars</c> with
/// the same name. A project without the file starts nothing and gets no extra values.
/// </summary>
internal sealed record DevSettings(IReadOnlyList<DevCompanion> Start, IReadOnlyList<KeyValuePair<string, string>> Vars)
{
    public static readonly DevSettings None = new([], []);

    public static string PathOf(string projectDirectory) => Path.Combine(projectDirectory, ".pmcp", "dev.toml");

    /// <summary>Reads the project's <c>.pmcp/dev.toml</c>; <see cref="None"/> when there is none. Mistakes are <see cref="CliException"/>s saying the fix.</summary>
    public static DevSettings Load(string projectDirectory)
    {
        var path = PathOf(projectDirectory);
        return File.Exists(path) ? Parse(File.ReadAllText(path), Path.GetRelativePath(Environment.CurrentDirectory, path)) : None;
    }

    public static DevSettings Parse(string toml, string file)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(toml) ?? [];
        }
        catch (TomlException e)
        {
            throw new CliException($"'{file}' is not valid TOML: {e.Message.Trim()}");
        }

        foreach (var key in root.Keys.Where(k => k is not ("start" or "vars")))
        {
            throw new CliException($"'{file}': unknown key '{key}'. dev.toml has [[start]] (programs dev runs beside the server) and [vars] (values for dev only).");
        }

        var start = new List<DevCompanion>();
        if (root.TryGetValue("start", out var starts))
        {
            if (starts is not TomlTableArray tables)
            {
                throw new CliException($"'{file}': start must be an array of tables: [[start]] with name = \"provider\" and command = [\"node\", \"provider.mjs\"].");
            }

            foreach (var table in tables)
            {
                start.Add(DevCompanion.FromToml(table, file, start.Count));
            }

            var duplicate = start.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new CliException($"'{file}': two [[start]] entries are named '{duplicate.Key}'; give each its own name (it prefixes its output).");
            }
        }

        var vars = new List<KeyValuePair<string, string>>();
        if (root.TryGetValue("vars", out var varsValue))
        {
            if (varsValue is not TomlTable table)
            {
                throw new CliException($"'{file}': vars must be a table: [vars] with NAME = \"value\" lines.");
            }

            foreach (var (name, value) in table)
            {
                if (!IsVarName(name) || value is not string text)
                {
                    throw new CliException($"'{file}': [vars] {name} must be a string with a name of letters, digits and _ (e.g. UPSTREAM_SECRET = \"local-only\").");
                }

                vars.Add(new(name, text));
            }
        }

        return new DevSettings(start, vars);
    }

    /// <summary>The <see cref="Vars"/> that no line of the project's <c>.dev.vars</c> sets (that file wins, as a secret wins over a var).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> VarsNotIn(string devVarsFile)
    {
        if (Vars.Count == 0 || !File.Exists(devVarsFile))
        {
            return Vars;
        }

        var names = File.ReadAllLines(devVarsFile)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('=', StringComparison.Ordinal))
            .Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)].Trim())
            .Select(name => name.StartsWith("export ", StringComparison.Ordinal) ? name["export ".Length..].Trim() : name)
            .ToHashSet(StringComparer.Ordinal);
        return [.. Vars.Where(v => !names.Contains(v.Key))];
    }

    private static bool IsVarName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
