using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>
/// The small JSON path a scenario uses to point into a result: <c>$</c>, then <c>.name</c>, <c>["name"]</c> or
/// <c>[index]</c> parts, such as <c>$.structuredContent.items[0].id</c>.
/// </summary>
internal static partial class ResultPath
{
    /// <summary>Whether <paramref name="path"/> is a path this reads.</summary>
    public static bool IsValid(string path) => Shape().IsMatch(path);

    /// <summary>The element at <paramref name="path"/> in <paramref name="root"/>, or null when there is none.</summary>
    public static JsonElement? Select(JsonElement root, string path)
    {
        var current = root;
        foreach (Match part in Part().Matches(path[1..]))
        {
            if (part.Groups["index"].Success)
            {
                var index = int.Parse(part.Groups["index"].Value, CultureInfo.InvariantCulture);
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
            else
            {
                var name = part.Groups["name"].Success ? part.Groups["name"].Value : part.Groups["quoted"].Value;
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return null;
                }
            }
        }

        return current;
    }

    [GeneratedRegex("""^\$(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"]*"\])*$""")]
    private static partial Regex Shape();

    [GeneratedRegex("""\.(?<name>[A-Za-z_$][\w$-]*)|\[(?<index>\d+)\]|\["(?<quoted>[^"]*)"\]""")]
    private static partial Regex Part();
}
