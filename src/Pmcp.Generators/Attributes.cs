using Microsoft.CodeAnalysis;

namespace Pmcp.Generators;

/// <summary>The attributes the generator reads, by metadata name.</summary>
internal static class Attributes
{
    public const string ToolSet = "Pmcp.Server.McpToolSetAttribute";
    public const string Tool = "Pmcp.Server.McpToolAttribute";
    public const string Description = "System.ComponentModel.DescriptionAttribute";
    public const string JsonPropertyName = "System.Text.Json.Serialization.JsonPropertyNameAttribute";
    public const string JsonIgnore = "System.Text.Json.Serialization.JsonIgnoreAttribute";
    public const string JsonRequired = "System.Text.Json.Serialization.JsonRequiredAttribute";
    public const string JsonExtensionData = "System.Text.Json.Serialization.JsonExtensionDataAttribute";
    public const string JsonConstructor = "System.Text.Json.Serialization.JsonConstructorAttribute";
    public const string JsonStringEnumMemberName = "System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute";

    /// <summary><c>JsonIgnoreCondition.Always</c>, also what <c>[JsonIgnore]</c> without a condition means.</summary>
    private const int IgnoreAlways = 1;

    public static AttributeData? Find(ISymbol? symbol, string metadataName) =>
        symbol?.GetAttributes().FirstOrDefault(a => a.AttributeClass is { } c && TypeShapes.Is(c, metadataName));

    public static bool Has(ISymbol? symbol, string metadataName) => Find(symbol, metadataName) is not null;

    /// <summary>The first constructor argument when it is a string, as in <c>[Description("…")]</c>.</summary>
    public static string? StringArgument(ISymbol? symbol, string metadataName) =>
        Find(symbol, metadataName) is { ConstructorArguments.Length: > 0 } attribute && attribute.ConstructorArguments[0].Value is string value ? value : null;

    public static string? DescriptionOf(ISymbol? symbol) => StringArgument(symbol, Description);

    /// <summary>Ignored by System.Text.Json in both directions: <c>[JsonIgnore]</c> or <c>Condition = Always</c>.</summary>
    public static bool IsIgnored(ISymbol symbol) =>
        Find(symbol, JsonIgnore) is { } ignore
        && !ignore.NamedArguments.Any(a => a.Key == "Condition" && a.Value.Value is int condition && condition != IgnoreAlways);

    public static T? Named<T>(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is T value ? value : default;

    public static bool IsSet(AttributeData attribute, string name) => attribute.NamedArguments.Any(a => a.Key == name);
}
