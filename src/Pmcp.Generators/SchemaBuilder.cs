using Microsoft.CodeAnalysis;

namespace Pmcp.Generators;

/// <summary>
/// Writes the JSON Schema of a C# type at compile time, as the engine's runtime exporter would for the same type with
/// <c>JsonSerializerDefaults.Web</c>: camelCase names unless <c>[JsonPropertyName]</c>, <c>[Description]</c> as
/// <c>description</c>, <c>T?</c> as <c>["T","null"]</c>, constructor parameters without defaults and <c>required</c>
/// members as <c>required</c>. Two choices of its own: enums are strings listing their member names (or their
/// <c>[JsonStringEnumMemberName]</c>), and a type met again inside itself, or nested too deep, is <c>{}</c>.
/// </summary>
internal sealed class SchemaBuilder
{
    private const int MaxDepth = 10;

    private readonly List<ITypeSymbol> _expanding = [];
    private readonly List<NameCheckModel> _propertyChecks = [];
    private readonly List<NameCheckModel> _enumChecks = [];

    /// <summary>True while describing a type read or written by the user's JSON metadata: its names are then checked at build.</summary>
    public bool CollectChecks { get; set; }

    public IReadOnlyList<NameCheckModel> PropertyChecks => _propertyChecks;

    public IReadOnlyList<NameCheckModel> EnumChecks => _enumChecks;

    /// <summary>The schema of <paramref name="type"/>; <paramref name="describeType"/> adds the type's own <c>[Description]</c>.</summary>
    public JsonObjectText For(ITypeSymbol type, bool describeType, int depth = 0)
    {
        var schema = new JsonObjectText();
        if (depth > MaxDepth)
        {
            return schema;
        }

        var nullable = TypeShapes.IsNullable(type);
        var inner = TypeShapes.NullableValueOf(type) ?? type;
        var shape = TypeShapes.Classify(inner);
        switch (shape.Kind)
        {
            case ShapeKind.String:
            case ShapeKind.Base64:
                schema.Add("type", TypeKeyword("string", nullable));
                break;
            case ShapeKind.Boolean:
                schema.Add("type", TypeKeyword("boolean", nullable));
                break;
            case ShapeKind.Integer:
                schema.Add("type", TypeKeyword("integer", nullable));
                break;
            case ShapeKind.Number:
                schema.Add("type", TypeKeyword("number", nullable));
                break;
            case ShapeKind.Char:
                schema.Add("type", TypeKeyword("string", nullable)).Add("minLength", "1").Add("maxLength", "1");
                break;
            case ShapeKind.Guid:
            case ShapeKind.DateTime:
            case ShapeKind.DateOnly:
            case ShapeKind.TimeOnly:
            case ShapeKind.Uri:
                schema.Add("type", TypeKeyword("string", nullable)).Add("format", JsonText.String(shape.Format!));
                break;
            case ShapeKind.TimeSpan:
                schema.Add("$comment", JsonText.String("Represents a System.TimeSpan value."))
                    .Add("type", TypeKeyword("string", nullable))
                    .Add("pattern", JsonText.String(@"^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d{1,7})?$"));
                break;
            case ShapeKind.Enum:
                AddEnum(schema, (INamedTypeSymbol)inner, nullable);
                break;
            case ShapeKind.AnyJson:
                break;
            case ShapeKind.Array:
                schema.Add("type", TypeKeyword("array", nullable)).Add("items", For(shape.Item!, describeType: true, depth + 1).ToString());
                break;
            case ShapeKind.Dictionary:
                schema.Add("type", TypeKeyword("object", nullable)).Add("additionalProperties", For(shape.Item!, describeType: true, depth + 1).ToString());
                break;
            case ShapeKind.Object:
                AddObject(schema, inner, nullable, depth);
                break;
        }

        if (describeType && Attributes.DescriptionOf(inner) is { } description)
        {
            schema.Insert(0, "description", JsonText.String(description));
        }

        return schema;
    }

    /// <summary>MCP wants object schemas for input and output: is this one, or must it be wrapped as <c>{ "result": … }</c>?</summary>
    public static bool IsObject(ITypeSymbol type) =>
        TypeShapes.Classify(TypeShapes.NullableValueOf(type) ?? type).Kind is ShapeKind.Object or ShapeKind.Dictionary;

    public static EquatableArray<EnumMemberModel> EnumMembers(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.HasConstantValue)
            .Select(f => new EnumMemberModel(Attributes.StringArgument(f, Attributes.JsonStringEnumMemberName) ?? f.Name, f.Name))
            .ToEquatableArray();

    /// <summary>The JSON name of an enum value, for a default; null when no member has that value.</summary>
    public static string? EnumName(INamedTypeSymbol type, object? value) =>
        type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.HasConstantValue && Equals(f.ConstantValue, value))
            .Select(f => Attributes.StringArgument(f, Attributes.JsonStringEnumMemberName) ?? f.Name)
            .FirstOrDefault();

    private static string TypeKeyword(string type, bool nullable) =>
        nullable ? JsonText.StringArray([type, "null"]) : JsonText.String(type);

    private void AddEnum(JsonObjectText schema, INamedTypeSymbol type, bool nullable)
    {
        var names = EnumMembers(type).Select(m => m.JsonName).ToList();
        var values = names.Select(JsonText.String).ToList();
        if (nullable)
        {
            values.Add("null");
        }

        schema.Add("type", TypeKeyword("string", nullable)).Add("enum", JsonText.Array(values));
        if (CollectChecks)
        {
            AddCheck(_enumChecks, type, names);
        }
    }

    private void AddObject(JsonObjectText schema, ITypeSymbol type, bool nullable, int depth)
    {
        if (_expanding.Contains(type, SymbolEqualityComparer.Default))
        {
            return;
        }

        _expanding.Add(type);
        var constructor = type is INamedTypeSymbol named ? DeserializationConstructor(named) : null;
        var properties = new JsonObjectText();
        var required = new List<string>();
        var names = new List<string>();
        foreach (var property in JsonProperties(type))
        {
            var name = Attributes.StringArgument(property, Attributes.JsonPropertyName) ?? Names.CamelCase(property.Name);
            var parameter = constructor?.Parameters.FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.OrdinalIgnoreCase));
            var propertySchema = For(property.Type, describeType: false, depth + 1);
            if ((Attributes.DescriptionOf(property) ?? Attributes.DescriptionOf(parameter)) is { } description)
            {
                propertySchema.Insert(0, "description", JsonText.String(description));
            }

            if (parameter is { HasExplicitDefaultValue: true } && DefaultJson(parameter) is { } defaultJson)
            {
                propertySchema.Add("default", defaultJson);
            }

            properties.Add(name, propertySchema.ToString());
            names.Add(name);
            if (property.IsRequired || Attributes.Has(property, Attributes.JsonRequired) || parameter is { HasExplicitDefaultValue: false })
            {
                required.Add(name);
            }
        }

        _expanding.RemoveAt(_expanding.Count - 1);
        schema.Add("type", TypeKeyword("object", nullable));
        if (properties.Count > 0)
        {
            schema.Add("properties", properties.ToString());
        }

        if (required.Count > 0)
        {
            schema.Add("required", JsonText.StringArray(required));
        }

        if (CollectChecks)
        {
            AddCheck(_propertyChecks, type, names);
        }
    }

    /// <summary>The default of a parameter as JSON (enums by name), or null when it has none to show (<c>default(DateTime)</c>).</summary>
    public static string? DefaultJson(IParameterSymbol parameter)
    {
        var value = parameter.ExplicitDefaultValue;
        if (value is null)
        {
            return parameter.Type.IsReferenceType || TypeShapes.NullableValueOf(parameter.Type) is not null ? "null" : null;
        }

        return (TypeShapes.NullableValueOf(parameter.Type) ?? parameter.Type) is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType
            ? EnumName(enumType, value) is { } name ? JsonText.String(name) : null
            : JsonText.Constant(value);
    }

    private static void AddCheck(List<NameCheckModel> checks, ITypeSymbol type, List<string> names)
    {
        var typeExpression = type.ToDisplayString(TypeShapes.QualifiedWithoutNullable);
        if (!checks.Any(c => c.Type == typeExpression))
        {
            checks.Add(new NameCheckModel(typeExpression, TypeShapes.ShortName(type), names.ToEquatableArray()));
        }
    }

    /// <summary>The properties System.Text.Json reads and writes: public, instance, with a public getter, not ignored; the type's own first, then its bases'.</summary>
    private static IEnumerable<IPropertySymbol> JsonProperties(ITypeSymbol type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public }
                    || Attributes.IsIgnored(property) || Attributes.Has(property, Attributes.JsonExtensionData))
                {
                    continue;
                }

                if (seen.Add(property.Name))
                {
                    yield return property;
                }
            }
        }
    }

    /// <summary>The constructor System.Text.Json deserializes with: <c>[JsonConstructor]</c>, else none when a public parameterless one exists, else the only public one.</summary>
    private static IMethodSymbol? DeserializationConstructor(INamedTypeSymbol type)
    {
        var constructors = type.InstanceConstructors;
        if (constructors.FirstOrDefault(c => Attributes.Has(c, Attributes.JsonConstructor)) is { } marked)
        {
            return marked;
        }

        var visible = constructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        if (type.IsValueType || visible.Any(c => c.Parameters.Length == 0))
        {
            return null;
        }

        return visible.Count == 1 ? visible[0] : null;
    }
}
