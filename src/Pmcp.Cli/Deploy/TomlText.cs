using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Deploy;

/// <summary>Writes TOML keys and values the way a person would: bare keys where allowed, literal strings for text with quotes.</summary>
internal static partial class TomlText
{
    public static string Key(string key) => BareKey().IsMatch(key) ? key : String(key);

    public static string String(string value)
    {
        if (value.Contains('"', StringComparison.Ordinal) && !value.Contains('\'', StringComparison.Ordinal) && !value.Any(char.IsControl))
        {
            return $"'{value}'";
        }

        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    /// <summary>A scalar: string, boolean, integer or float (what deploy.toml's vars and bindings hold).</summary>
    public static string Value(object value) => value switch
    {
        string s => String(s),
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"Not a TOML scalar: {value.GetType().Name}", nameof(value)),
    };

    public static string Line(string key, object value) => $"{Key(key)} = {Value(value)}\n";

    public static string InlineTable(IEnumerable<KeyValuePair<string, string>> fields) =>
        "{ " + string.Join(", ", fields.Select(f => $"{Key(f.Key)} = {String(f.Value)}")) + " }";

    [GeneratedRegex("^[A-Za-z0-9_-]+\\z")]
    private static partial Regex BareKey();
}
