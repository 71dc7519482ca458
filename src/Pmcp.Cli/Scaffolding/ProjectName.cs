using System.Text;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Scaffolding;

/// <summary>
/// The name given to <c>dotnet pmcp new</c>: it names the folder as given, and its PascalCase form the project, the
/// namespace and the prefix of the class names. A C# identifier gets a capital first letter (<c>demo</c> → <c>Demo</c>,
/// <c>MyServer</c> stays), a kebab-case name (<c>my-server</c>, as Worker names are) a capital per word
/// (<c>MyServer</c>), the same as the <c>dotnet new</c> template's <c>ServerName</c> symbol gives.
/// </summary>
internal static partial class ProjectName
{
    /// <summary>Namespaces the generated code uses: a project named after one would hide it.</summary>
    private static readonly string[] Taken = ["Pmcp", "System", "Microsoft", "Xunit"];

    /// <summary>Returns null when the name is usable, else what is wrong with it and the fix.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "the name is empty. Give one, for example: dotnet pmcp new MyServer";
        }

        // A keyword needs no check: the code uses the name with a capital first letter, and C#'s keywords are lowercase.
        if (!IdentifierPattern().IsMatch(name))
        {
            var suggestion = Suggest(name);
            return $"'{name}' is not a C# identifier: the name is used for the folder and, with a capital first letter, for the " +
                "project, its namespace and its classes, so it takes letters, digits and underscores, starting with a letter " +
                "(or is kebab-case, such as my-server)" +
                (suggestion is null ? ". For example: dotnet pmcp new MyServer" : $". Try: dotnet pmcp new {suggestion}");
        }

        if (Taken.FirstOrDefault(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            return $"'{name}' would hide the {taken} namespace the server's code uses. Pick another name, for example: dotnet pmcp new {name}Server";
        }

        return name.Length > 64 ? $"'{name}' is longer than 64 characters. Pick a shorter name." : null;
    }

    /// <summary>
    /// The identifier the code uses for <paramref name="name"/>: the name with a capital first letter, or the
    /// PascalCase form of a kebab-case name. Null when there is none (then <see cref="Problem"/> says why).
    /// </summary>
    public static string? Identifier(string name) =>
        Problem(name) is null ? char.ToUpperInvariant(name[0]) + name[1..]
        : KebabCase().IsMatch(name) && KebabToPascal(name) is var pascal && Problem(pascal) is null ? pascal
        : null;

    /// <summary>
    /// <c>my-server</c> → <c>MyServer</c>, <c>my-2fast</c> → <c>My2Fast</c>: title case without the dashes, as the
    /// template engine's <c>titleCase</c> form and a <c>replace</c> of '-' make it (template.json).
    /// </summary>
    private static string KebabToPascal(string name) =>
        System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(name).Replace("-", "", StringComparison.Ordinal);

    /// <summary>A PascalCase identifier from a name like <c>my-server</c> (<c>MyServer</c>), or null if there is none.</summary>
    public static string? Suggest(string name)
    {
        var result = new StringBuilder();
        foreach (var part in NonIdentifier().Split(name).Where(p => p.Length > 0))
        {
            result.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        }

        var suggestion = result.ToString().TrimStart('_');
        if (suggestion.Length > 0 && char.IsAsciiDigit(suggestion[0]))
        {
            suggestion = "Mcp" + suggestion;
        }

        return IdentifierPattern().IsMatch(suggestion) ? suggestion : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*\\z")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)+\\z")]
    private static partial Regex KebabCase();

    [GeneratedRegex("[^A-Za-z0-9_]+")]
    private static partial Regex NonIdentifier();
}
