using Microsoft.CodeAnalysis;

namespace Pmcp.Generators;

/// <summary>What the generator reports; every message says how to fix the declaration.</summary>
internal static class Diagnostics
{
    private const string Category = "Pmcp";

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "PMCP001",
        "A tool set must be partial",
        "'{0}' must be declared partial so that the code generated for the tool set '{1}' can be added to it: add the 'partial' modifier");

    public static readonly DiagnosticDescriptor StaticToolSet = Error(
        "PMCP002",
        "A tool set must not be static",
        "The tool set '{0}' is a static class, but a tool set implements IMcpToolSet: remove 'static' (its tools stay static methods), as in 'public sealed partial class {0}'");

    public static readonly DiagnosticDescriptor InstanceTool = Error(
        "PMCP003",
        "A tool method must be static",
        "The tool method '{0}' must be static: add the 'static' modifier (tools are called without an instance of '{1}')");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error(
        "PMCP004",
        "A tool parameter cannot be bound",
        "The parameter '{0}' of the tool method '{1}' cannot be bound from JSON arguments: {2}");

    public static readonly DiagnosticDescriptor DuplicateToolName = Error(
        "PMCP005",
        "Two tools have the same name",
        "The tool name '{0}' of '{1}' is already used by '{2}': give each [McpTool] a distinct name");

    public static readonly DiagnosticDescriptor InvalidToolName = Error(
        "PMCP006",
        "A tool name is invalid",
        "The tool name '{0}' of '{1}' is invalid: use 1 to 128 of the characters A-Z, a-z, 0-9, '_', '-' and '.'");

    public static readonly DiagnosticDescriptor ToolOutsideToolSet = Error(
        "PMCP007",
        "A tool method must be in a tool set",
        "'{0}' has [McpTool] but its type '{1}' has no [McpToolSet]: add [McpToolSet] to '{1}' and make it a non-static partial class");

    public static readonly DiagnosticDescriptor GenericTool = Error(
        "PMCP008",
        "A tool method must not be generic",
        "The tool method '{0}' has type parameters: a tool's schema is fixed at compile time, so use concrete types");

    public static readonly DiagnosticDescriptor DuplicateArgumentName = Error(
        "PMCP009",
        "Two arguments have the same JSON name",
        "The parameters '{0}' and '{1}' of the tool method '{2}' both have the JSON name '{3}' (camelCase): rename one");

    public static readonly DiagnosticDescriptor UnsupportedReturn = Error(
        "PMCP010",
        "A tool's return type is not supported",
        "The tool method '{0}' returns '{1}', which cannot become a tool result: {2}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
