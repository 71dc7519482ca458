using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Pmcp.Generators;

/// <summary>
/// Writes the C# that reads one argument from its <c>JsonElement</c>. Primitives, enums and arrays or lists of them
/// are read directly; the caller binds every other type through the server's JSON metadata. Expressions use the
/// placeholders <c>$E</c> (the value), <c>$T</c> (the tool name) and <c>$P</c> (the path), as in <see cref="ParameterModel"/>.
/// </summary>
internal static class ArgumentBinding
{
    private const string Arguments = "global::Pmcp.Server.Generated.ToolArguments";
    private const int MaxNesting = 4;

    /// <summary>The expression reading <paramref name="type"/> without JSON metadata, or null when it needs metadata.</summary>
    public static string? Direct(ITypeSymbol type, EnumReaders enums, int depth = 0)
    {
        var inner = TypeShapes.NullableValueOf(type) ?? type;
        var shape = TypeShapes.Classify(inner);
        string? read = null;
        if (shape.Reader is { } reader)
        {
            read = $"{Arguments}.Read{reader}($E, $T, $P)";
        }
        else if (shape.Kind == ShapeKind.Enum)
        {
            read = $"{enums.MethodFor((INamedTypeSymbol)inner)}($E, $T, $P)";
        }
        else if (shape.Kind == ShapeKind.Array && depth < MaxNesting && CollectionReader(inner) is { } method
            && Direct(shape.Item!, enums, depth + 1) is { } item)
        {
            var d = (depth + 1).ToString(CultureInfo.InvariantCulture);
            var itemRead = item.Replace("$E", "__e" + d).Replace("$T", "__t" + d).Replace("$P", "__p" + d);
            read = $"{Arguments}.{method}<{shape.Item!.ToDisplayString(TypeShapes.Qualified)}>($E, $T, $P, static (__e{d}, __t{d}, __p{d}) => {itemRead})";
        }

        return read is null ? null : OrNull(type, read);
    }

    /// <summary>Reads JSON <c>null</c> as C# null for nullable types; the schema lets null through only for those.</summary>
    public static string OrNull(ITypeSymbol type, string read) => TypeShapes.IsNullable(type)
        ? $"($E.ValueKind == global::System.Text.Json.JsonValueKind.Null ? ({type.ToDisplayString(TypeShapes.Qualified)})null : {read})"
        : read;

    /// <summary>The value of an argument the call left out: the parameter's default, else <c>default</c> (only optional ones can be left out).</summary>
    public static string DefaultExpression(IParameterSymbol parameter)
    {
        if (!parameter.HasExplicitDefaultValue)
        {
            return parameter is { IsParams: true, Type: IArrayTypeSymbol array }
                ? $"global::System.Array.Empty<{array.ElementType.ToDisplayString(TypeShapes.Qualified)}>()"
                : "default!";
        }

        if (parameter.ExplicitDefaultValue is not { } value)
        {
            return "default!";
        }

        var literal = value switch
        {
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
            _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
        };
        return $"({parameter.Type.ToDisplayString(TypeShapes.Qualified)})({literal})";
    }

    private static string? CollectionReader(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol { Rank: 1 })
        {
            return "ReadArray";
        }

        return TypeShapes.MetadataName(type) switch
        {
            "System.Collections.Generic.List`1" => "ReadList",
            "System.Collections.Generic.IEnumerable`1" or "System.Collections.Generic.IReadOnlyList`1" or "System.Collections.Generic.IReadOnlyCollection`1"
                or "System.Collections.Generic.ICollection`1" or "System.Collections.Generic.IList`1" => "ReadArray",
            _ => null,
        };
    }
}

/// <summary>The generated methods that read enums by name, one per enum type in a tool set.</summary>
internal sealed class EnumReaders
{
    private readonly Dictionary<string, EnumReaderModel> _readers = new(StringComparer.Ordinal);

    public IEnumerable<EnumReaderModel> All => _readers.Values.OrderBy(r => r.Method, StringComparer.Ordinal);

    public string MethodFor(INamedTypeSymbol type)
    {
        var key = type.ToDisplayString(TypeShapes.QualifiedWithoutNullable);
        if (!_readers.TryGetValue(key, out var reader))
        {
            var method = "__Pmcp_Read" + type.Name;
            while (_readers.Values.Any(r => r.Method == method))
            {
                method += "_";
            }

            reader = new EnumReaderModel(method, key, TypeShapes.MetadataName(type), SchemaBuilder.EnumMembers(type));
            _readers.Add(key, reader);
        }

        return reader.Method;
    }
}
