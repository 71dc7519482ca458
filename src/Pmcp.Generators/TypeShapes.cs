using System.Linq;
using Microsoft.CodeAnalysis;

namespace Pmcp.Generators;

internal enum ShapeKind
{
    String,
    Boolean,
    Integer,
    Number,
    Char,
    Guid,
    DateTime,
    DateOnly,
    TimeOnly,
    TimeSpan,
    Uri,
    Base64,
    Enum,
    AnyJson,
    Array,
    Dictionary,
    Object,
}

/// <summary>
/// How System.Text.Json sees a type: which JSON it reads and writes, the <c>ToolArguments</c> reader that binds it
/// without metadata (primitives), and the built-in converter that serves when the user's context lacks it.
/// </summary>
internal sealed record TypeShape(ShapeKind Kind, ITypeSymbol Type, string? Reader = null, string? Converter = null, string? Format = null, ITypeSymbol? Item = null);

internal static class TypeShapes
{
    public static readonly SymbolDisplayFormat Qualified =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static readonly SymbolDisplayFormat QualifiedWithoutNullable = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>"User[]", "List&lt;User&gt;": the name to put in <c>typeof(...)</c> in a message.</summary>
    public static string ShortName(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    /// <summary>The <c>T</c> of <c>Nullable&lt;T&gt;</c>, or null.</summary>
    public static ITypeSymbol? NullableValueOf(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n ? n.TypeArguments[0] : null;

    /// <summary>True for <c>T?</c> in both senses: <c>Nullable&lt;T&gt;</c> and an annotated reference type.</summary>
    public static bool IsNullable(ITypeSymbol type) =>
        NullableValueOf(type) is not null || (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated);

    /// <summary>True when the type is, or implements, the interface of that metadata name.</summary>
    public static bool Implements(ITypeSymbol type, string interfaceMetadataName) =>
        Is(type, interfaceMetadataName) || type.AllInterfaces.Any(i => Is(i, interfaceMetadataName));

    /// <summary>Compares with a metadata name such as <c>System.Threading.Tasks.Task`1</c>.</summary>
    public static bool Is(ITypeSymbol? type, string metadataName) => type is not null && MetadataName(type) == metadataName;

    public static string MetadataName(ITypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        var name = definition.MetadataName;
        for (var outer = definition.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }

        return definition.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }

    public static TypeShape Classify(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String: return new(ShapeKind.String, type, "String", "StringConverter");
            case SpecialType.System_Boolean: return new(ShapeKind.Boolean, type, "Boolean", "BooleanConverter");
            case SpecialType.System_Byte: return new(ShapeKind.Integer, type, "Byte", "ByteConverter");
            case SpecialType.System_SByte: return new(ShapeKind.Integer, type, "SByte", "SByteConverter");
            case SpecialType.System_Int16: return new(ShapeKind.Integer, type, "Int16", "Int16Converter");
            case SpecialType.System_UInt16: return new(ShapeKind.Integer, type, "UInt16", "UInt16Converter");
            case SpecialType.System_Int32: return new(ShapeKind.Integer, type, "Int32", "Int32Converter");
            case SpecialType.System_UInt32: return new(ShapeKind.Integer, type, "UInt32", "UInt32Converter");
            case SpecialType.System_Int64: return new(ShapeKind.Integer, type, "Int64", "Int64Converter");
            case SpecialType.System_UInt64: return new(ShapeKind.Integer, type, "UInt64", "UInt64Converter");
            case SpecialType.System_Single: return new(ShapeKind.Number, type, "Single", "SingleConverter");
            case SpecialType.System_Double: return new(ShapeKind.Number, type, "Double", "DoubleConverter");
            case SpecialType.System_Decimal: return new(ShapeKind.Number, type, "Decimal", "DecimalConverter");
            case SpecialType.System_Char: return new(ShapeKind.Char, type, Converter: "CharConverter");
            case SpecialType.System_DateTime: return new(ShapeKind.DateTime, type, "DateTime", "DateTimeConverter", "date-time");
            case SpecialType.System_Object: return new(ShapeKind.AnyJson, type);
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return new(ShapeKind.Enum, type);
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.ElementType.SpecialType == SpecialType.System_Byte && array.Rank == 1
                ? new(ShapeKind.Base64, type)
                : new(ShapeKind.Array, type, Item: array.ElementType);
        }

        switch (MetadataName(type))
        {
            case "System.Guid": return new(ShapeKind.Guid, type, "Guid", "GuidConverter", "uuid");
            case "System.DateTimeOffset": return new(ShapeKind.DateTime, type, "DateTimeOffset", "DateTimeOffsetConverter", "date-time");
            case "System.DateOnly": return new(ShapeKind.DateOnly, type, Converter: "DateOnlyConverter", Format: "date");
            case "System.TimeOnly": return new(ShapeKind.TimeOnly, type, Converter: "TimeOnlyConverter", Format: "time");
            case "System.TimeSpan": return new(ShapeKind.TimeSpan, type, Converter: "TimeSpanConverter");
            case "System.Uri": return new(ShapeKind.Uri, type, Format: "uri");
            case "System.Text.Json.JsonElement": return new(ShapeKind.AnyJson, type, "Json", "JsonElementConverter");
            case "System.Text.Json.JsonDocument":
            case "System.Text.Json.Nodes.JsonNode":
            case "System.Text.Json.Nodes.JsonObject":
            case "System.Text.Json.Nodes.JsonArray":
            case "System.Text.Json.Nodes.JsonValue":
                return new(ShapeKind.AnyJson, type);
        }

        if (DictionaryValueOf(type) is { } value)
        {
            return new(ShapeKind.Dictionary, type, Item: value);
        }

        if (EnumerableItemOf(type) is { } item)
        {
            return new(ShapeKind.Array, type, Item: item);
        }

        return new(ShapeKind.Object, type);
    }

    /// <summary>The <c>T</c> of the <c>IEnumerable&lt;T&gt;</c> a type is or implements.</summary>
    public static ITypeSymbol? EnumerableItemOf(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Collections_Generic_IEnumerable_T } self)
        {
            return self.TypeArguments[0];
        }

        return type.AllInterfaces
            .FirstOrDefault(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            ?.TypeArguments[0];
    }

    private static ITypeSymbol? DictionaryValueOf(ITypeSymbol type)
    {
        foreach (var candidate in new[] { type }.Concat(type.AllInterfaces))
        {
            if (candidate is INamedTypeSymbol { TypeArguments.Length: 2 } named
                && (Is(named, "System.Collections.Generic.IDictionary`2") || Is(named, "System.Collections.Generic.IReadOnlyDictionary`2")))
            {
                return named.TypeArguments[1];
            }
        }

        return null;
    }
}
