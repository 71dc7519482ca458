using System.Text;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Scaffolding;

/// <summary>
/// The name given to <c>dotnet pmcp new</c>. A C# identifier (<c>MyServer</c>) becomes the folder, the project, the
/// namespace and the prefix of the class names as it is. A kebab-case name (<c>my-server</c>, as Worker names are)
/// names the folder, and its PascalCase form (<c>MyServer</c>) the code.
/// </summary>
internal static partial class ProjectName
{
    /// <summary>Namespaces the generated code uses: a project named after one would hide it.</summary>
    private static readonly string[] Taken = ["Pmcp", "System", "Microsoft", "Xunit"];

    /// <summary>C#'s reserved keywords: only an all-lowercase name can be one.</summary>
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary>Returns null when the name is usable, else what is wrong with it and the fix.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "the name is empty. Give one, for example: dotnet pmcp new MyServer";
        }

        if (!IdentifierPattern().IsMatch(name) || Keywords.Contains(name))
        {
            var suggestion = Suggest(name);
            var why = Keywords.Contains(name) ? "is a C# keyword" : "is not a C# identifier";
            return $"'{name}' {why}: the name is used for the folder, the project, its namespace and its classes, so it takes " +
                "letters, digits and underscores, starting with a letter" +
                (suggestion is null ? ". For example: dotnet pmcp new MyServer" : $". Try: dotnet pmcp new {suggestion}");
        }

        if (Taken.FirstOrDefault(t => string.Equals(t, name, StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            return $"'{name}' would hide the {taken} namespace the server's code uses. Pick another name, for example: dotnet pmcp new {name}Server";
        }

        return name.Length > 64 ? $"'{name}' is longer than 64 characters. Pick a shorter name." : null;
    }

    /// <summary>
    /// The identifier the code uses for <paramref name="name"/>: the name itself, or the PascalCase form of a
    /// kebab-case name. Null when there is none (then <see cref="Problem"/> says why).
    /// </summary>
    public static string? Identifier(string name) =>
        Problem(name) is null ? name
        : KebabCase().IsMatch(name) && Suggest(name) is { } pascal && Problem(pascal) is null ? pascal
        : null;

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

        return IdentifierPattern().IsMatch(suggestion) && !Keywords.Contains(suggestion) ? suggestion : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)+$")]
    private static partial Regex KebabCase();

    [GeneratedRegex("[^A-Za-z0-9_]+")]
    private static partial Regex NonIdentifier();
}
