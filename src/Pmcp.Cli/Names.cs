using System.Text.RegularExpressions;

namespace Pmcp.Cli;

/// <summary>The name rules several commands share.</summary>
internal static partial class Names
{
    /// <summary>An environment variable's or a Worker secret's name: letters, digits and '_', not starting with a digit.</summary>
    public static bool IsVariableName(string text) => VariableName().IsMatch(text);

    /// <summary>A PascalCase name with '-' between its words (MyServer → My-Server; HTTPServer → HTTP-Server), for kebab-case.</summary>
    public static string DashWords(string name) => WordBoundary().Replace(name, "-");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex VariableName();

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial Regex WordBoundary();
}
