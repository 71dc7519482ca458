using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pmcp.Generators;

/// <summary>Reads an [McpToolSet] class and its [McpTool] methods into a <see cref="ToolSetModel"/>, reporting what cannot be generated.</summary>
internal static class ToolSetParser
{
    private const string NoArgumentsSchema = """{"type":"object","additionalProperties":false}""";

    public static ToolSetResult Parse(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var where = declaration.Identifier.GetLocation();
        if (type.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.StaticToolSet, where, type.Name));
        }

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, where, type.Name, type.Name));
        }

        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (!IsPartial(outer, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.NotPartial, outer.Locations.FirstOrDefault(), outer.Name, type.Name));
            }
        }

        if (diagnostics.Count > 0)
        {
            return new ToolSetResult(null, diagnostics.ToEquatableArray());
        }

        var enums = new EnumReaders();
        var tools = new List<ToolModel>();
        var toolMethods = new Dictionary<string, IMethodSymbol>(StringComparer.Ordinal);
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Attributes.Find(method, Attributes.Tool) is not { } attribute)
            {
                continue;
            }

            var name = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string given ? given : Names.ToolName(method.Name);
            var location = method.Locations.FirstOrDefault();
            if (!Names.IsValidToolName(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InvalidToolName, location, name, method.Name));
                continue;
            }

            if (toolMethods.TryGetValue(name, out var first))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateToolName, location, name, method.Name, first.Name));
                continue;
            }

            toolMethods.Add(name, method);
            var member = "__Pmcp_" + method.Name;
            for (var i = 2; !members.Add(member); i++)
            {
                member = "__Pmcp_" + method.Name + i.ToString(CultureInfo.InvariantCulture);
            }

            if (ParseTool(method, attribute, name, member, enums, diagnostics) is { } tool)
            {
                tools.Add(tool);
            }
        }

        var model = new ToolSetModel(
            HintName: TypeShapes.MetadataName(type).Replace('+', '.').Replace('`', '_') + ".McpTools.g.cs",
            Namespace: type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            ContainingTypes: ContainingDeclarations(type).ToEquatableArray(),
            Declaration: DeclarationOf(type),
            Tools: tools.ToEquatableArray(),
            EnumReaders: enums.All.ToEquatableArray());
        return new ToolSetResult(model, diagnostics.ToEquatableArray());
    }

    /// <summary>For [McpTool] methods outside any tool set: the diagnostic that says to add [McpToolSet], or null.</summary>
    public static DiagnosticInfo? StrayTool(IMethodSymbol method) =>
        method.ContainingType is { } type && !Attributes.Has(type, Attributes.ToolSet)
            ? DiagnosticInfo.Create(Diagnostics.ToolOutsideToolSet, method.Locations.FirstOrDefault(), method.Name, type.Name)
            : null;

    private static ToolModel? ParseTool(IMethodSymbol method, AttributeData attribute, string name, string member, EnumReaders enums, List<DiagnosticInfo> diagnostics)
    {
        var location = method.Locations.FirstOrDefault();
        var errors = diagnostics.Count;
        if (!method.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.InstanceTool, location, method.Name, method.ContainingType.Name));
        }

        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.GenericTool, location, method.Name));
        }

        var schema = new SchemaBuilder();
        var parameters = new List<ParameterModel>();
        var typeInfos = new List<TypeInfoModel>();
        var properties = new JsonObjectText();
        var required = new List<string>();
        var argumentNames = new Dictionary<string, IParameterSymbol>(StringComparer.Ordinal);
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Type.TypeKind == TypeKind.Error)
            {
                return null;
            }

            if (TypeShapes.Is(parameter.Type, "Pmcp.Server.McpRequestContext"))
            {
                parameters.Add(new ParameterModel(ParameterRole.Context, "", "", "", ""));
                continue;
            }

            if (TypeShapes.Is(parameter.Type, "System.Threading.CancellationToken"))
            {
                parameters.Add(new ParameterModel(ParameterRole.CancellationToken, "", "", "", ""));
                continue;
            }

            if (TypeShapes.Implements(parameter.Type, "Pmcp.Server.IRequestService"))
            {
                parameters.Add(new ParameterModel(ParameterRole.Service, "", parameter.Type.ToDisplayString(TypeShapes.QualifiedWithoutNullable), "", ""));
                continue;
            }

            if (Unsupported(parameter) is { } reason)
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedParameter, parameter.Locations.FirstOrDefault(), parameter.Name, method.Name, reason));
                continue;
            }

            var jsonName = Names.CamelCase(parameter.Name);
            if (argumentNames.TryGetValue(jsonName, out var other))
            {
                diagnostics.Add(DiagnosticInfo.Create(Diagnostics.DuplicateArgumentName, parameter.Locations.FirstOrDefault(), other.Name, parameter.Name, method.Name, jsonName));
                continue;
            }

            argumentNames.Add(jsonName, parameter);
            var read = ArgumentBinding.Direct(parameter.Type, enums);
            if (read is null)
            {
                // Not a primitive: read through the JSON metadata the server resolves at build, checked against this schema.
                var inner = TypeShapes.NullableValueOf(parameter.Type) ?? parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                var index = typeInfos.Count;
                typeInfos.Add(new TypeInfoModel(index, inner.ToDisplayString(TypeShapes.QualifiedWithoutNullable), TypeShapes.ShortName(inner), TypeShapes.Classify(inner).Converter));
                read = ArgumentBinding.OrNull(parameter.Type, $"global::Pmcp.Server.Generated.ToolArguments.Read($E, __info{index.ToString(CultureInfo.InvariantCulture)}, $T, $P)");
                schema.CollectChecks = true;
            }

            var description = Attributes.DescriptionOf(parameter);
            var parameterSchema = schema.For(parameter.Type, describeType: description is null);
            schema.CollectChecks = false;
            if (description is not null)
            {
                parameterSchema.Insert(0, "description", JsonText.String(description));
            }

            if (parameter.HasExplicitDefaultValue && SchemaBuilder.DefaultJson(parameter) is { } defaultJson)
            {
                parameterSchema.Add("default", defaultJson);
            }

            properties.Add(jsonName, parameterSchema.ToString());
            if (!parameter.HasExplicitDefaultValue && !parameter.IsParams && !TypeShapes.IsNullable(parameter.Type))
            {
                required.Add(jsonName);
            }

            parameters.Add(new ParameterModel(
                ParameterRole.Argument, jsonName, parameter.Type.ToDisplayString(TypeShapes.Qualified), read, ArgumentBinding.DefaultExpression(parameter)));
        }

        var result = ParseResult(method, schema, diagnostics);
        if (diagnostics.Count > errors || result is null)
        {
            return null;
        }

        var inputSchema = NoArgumentsSchema;
        if (properties.Count > 0)
        {
            var input = new JsonObjectText().Add("type", JsonText.String("object")).Add("properties", properties.ToString());
            inputSchema = (required.Count > 0 ? input.Add("required", JsonText.StringArray(required)) : input).ToString();
        }

        return new ToolModel(
            Name: name,
            Method: method.Name,
            Member: member,
            Title: Attributes.Named<string>(attribute, "Title"),
            Description: Attributes.Named<string>(attribute, "Description") ?? Attributes.DescriptionOf(method),
            Hints: Hints(attribute).ToEquatableArray(),
            RequiredScopes: RequiredScopes(attribute).ToEquatableArray(),
            InputSchema: inputSchema,
            Parameters: parameters.ToEquatableArray(),
            TypeInfos: typeInfos.ToEquatableArray(),
            PropertyChecks: schema.PropertyChecks.ToEquatableArray(),
            EnumChecks: schema.EnumChecks.ToEquatableArray(),
            Result: result);
    }

    private static ResultModel? ParseResult(IMethodSymbol method, SchemaBuilder schema, List<DiagnosticInfo> diagnostics)
    {
        var type = method.ReturnType;
        if (type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        var isAsync = false;
        if (TypeShapes.Is(type, "System.Threading.Tasks.Task") || TypeShapes.Is(type, "System.Threading.Tasks.ValueTask"))
        {
            return new ResultModel(ResultKind.Empty, true, null, false, null, null, null, false);
        }

        if ((TypeShapes.Is(type, "System.Threading.Tasks.Task`1") || TypeShapes.Is(type, "System.Threading.Tasks.ValueTask`1")) && type is INamedTypeSymbol task)
        {
            type = task.TypeArguments[0];
            isAsync = true;
        }

        if (method.ReturnsVoid)
        {
            return new ResultModel(ResultKind.Empty, false, null, false, null, null, null, false);
        }

        if (UnsupportedReturn(type) is { } reason)
        {
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.UnsupportedReturn, method.Locations.FirstOrDefault(), method.Name, type.ToDisplayString(), reason));
            return null;
        }

        var kind = type.SpecialType == SpecialType.System_String ? ResultKind.Text
            : TypeShapes.Is(type, "Pmcp.Protocol.CallToolResult") ? ResultKind.Raw
            : IsContentBlock(type) ? ResultKind.Block
            : TypeShapes.EnumerableItemOf(type) is { } item && IsContentBlock(item) ? ResultKind.Blocks
            : ResultKind.Structured;
        if (kind != ResultKind.Structured)
        {
            return new ResultModel(kind, isAsync, null, false, null, null, null, false);
        }

        // The engine's typed tools see a type, not its nullable annotation: a T? result is described as T.
        var described = TypeShapes.NullableValueOf(type) is null ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type;
        schema.CollectChecks = true;
        var output = schema.For(described, describeType: true);
        schema.CollectChecks = false;
        var wrap = !SchemaBuilder.IsObject(described);
        var outputSchema = wrap
            ? new JsonObjectText()
                .Add("type", JsonText.String("object"))
                .Add("properties", new JsonObjectText().Add("result", output.ToString()).ToString())
                .Add("required", JsonText.StringArray(["result"]))
                .ToString()
            : output.ToString();
        var converter = TypeShapes.NullableValueOf(type) is null ? TypeShapes.Classify(type).Converter : null;
        return new ResultModel(
            ResultKind.Structured, isAsync, outputSchema, wrap, described.ToDisplayString(TypeShapes.QualifiedWithoutNullable), TypeShapes.ShortName(described),
            converter is "StringConverter" ? null : converter, type.IsReferenceType);
    }

    private static string? Unsupported(IParameterSymbol parameter)
    {
        var type = parameter.Type;
        if (parameter.RefKind != RefKind.None)
        {
            return "'ref', 'out' and 'in' parameters cannot come from JSON; take it by value";
        }

        if (type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return "pointers cannot come from JSON; take a number or an array";
        }

        if (type.IsRefLikeType)
        {
            return $"'{type.ToDisplayString()}' is a ref struct, which cannot come from JSON; take an array or a string";
        }

        if (type is ITypeParameterSymbol || ContainsTypeParameter(type))
        {
            return $"its type '{type.ToDisplayString()}' involves a type parameter, but the schema is fixed at compile time; use a concrete type";
        }

        if (type.TypeKind == TypeKind.Delegate)
        {
            return $"'{type.ToDisplayString()}' is a delegate, which cannot come from JSON; take data and call the code yourself";
        }

        return null;
    }

    private static string? UnsupportedReturn(ITypeSymbol type)
    {
        if (type.IsRefLikeType || type is IPointerTypeSymbol or IFunctionPointerTypeSymbol)
        {
            return "return a value, an array, a string, ContentBlocks or a CallToolResult";
        }

        if (TypeShapes.Is(type, "System.Collections.Generic.IAsyncEnumerable`1"))
        {
            return "a tool answers once; collect the items and return an array (or a Task of one)";
        }

        if (type.GetMembers("GetAwaiter").Length > 0)
        {
            return "only Task, Task<T>, ValueTask and ValueTask<T> are awaited; return one of those";
        }

        if (ContainsTypeParameter(type))
        {
            return "the output schema is fixed at compile time; use a concrete type";
        }

        return null;
    }

    private static bool ContainsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => ContainsTypeParameter(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(ContainsTypeParameter),
        _ => false,
    };

    private static bool IsContentBlock(ITypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (TypeShapes.Is(current, "Pmcp.Protocol.ContentBlock"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The strings of <c>RequiredScopes = [...]</c>, blank ones and repeats dropped.</summary>
    private static IEnumerable<string> RequiredScopes(AttributeData attribute)
    {
        var argument = attribute.NamedArguments.FirstOrDefault(a => a.Key == "RequiredScopes").Value;
        if (argument.Kind != TypedConstantKind.Array || argument.IsNull)
        {
            return [];
        }

        return argument.Values.Select(v => v.Value as string).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<HintModel> Hints(AttributeData attribute)
    {
        foreach (var (property, hint) in new[] { ("ReadOnly", "ReadOnlyHint"), ("Destructive", "DestructiveHint"), ("Idempotent", "IdempotentHint"), ("OpenWorld", "OpenWorldHint") })
        {
            if (Attributes.IsSet(attribute, property))
            {
                yield return new HintModel(hint, Attributes.Named<bool>(attribute, property));
            }
        }
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>"partial class Outer", outermost first, for a tool set nested in other types.</summary>
    private static List<string> ContainingDeclarations(INamedTypeSymbol type)
    {
        var declarations = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            declarations.Insert(0, DeclarationOf(outer));
        }

        return declarations;
    }

    private static string DeclarationOf(INamedTypeSymbol type)
    {
        var keyword = (type.IsRecord, type.TypeKind) switch
        {
            (true, TypeKind.Struct) => "record struct",
            (true, _) => "record",
            (_, TypeKind.Struct) => "struct",
            (_, TypeKind.Interface) => "interface",
            _ => "class",
        };
        var name = type.ToDisplayString(new SymbolDisplayFormat(
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers));
        return $"partial {keyword} {name}";
    }
}
