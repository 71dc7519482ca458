namespace Pmcp.Generators;

/// <summary>What the parser found in one [McpToolSet] class: everything the emitter needs, as comparable data.</summary>
internal sealed record ToolSetModel(
    string HintName,
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string Declaration,
    EquatableArray<ToolModel> Tools,
    EquatableArray<EnumReaderModel> EnumReaders);

/// <summary>One tool: its description, schemas computed at compile time, and how to bind and answer a call.</summary>
internal sealed record ToolModel(
    string Name,
    string Method,
    string Member,
    string? Title,
    string? Description,
    EquatableArray<HintModel> Hints,
    EquatableArray<string> RequiredScopes,
    string InputSchema,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<TypeInfoModel> TypeInfos,
    EquatableArray<NameCheckModel> PropertyChecks,
    EquatableArray<NameCheckModel> EnumChecks,
    ResultModel Result);

/// <summary>A <c>ToolAnnotations</c> property set from [McpTool], such as <c>ReadOnlyHint = true</c>.</summary>
internal sealed record HintModel(string Property, bool Value);

internal enum ParameterRole
{
    Argument,
    Context,
    CancellationToken,

    /// <summary>A host service (a type implementing <c>Pmcp.Server.IRequestService</c>, such as a Worker's <c>Env</c>): taken from the request's services.</summary>
    Service,
}

/// <summary>
/// A parameter of the tool method. For arguments, <see cref="Read"/> is a C# expression over the placeholders
/// <c>$E</c> (the JSON value), <c>$T</c> (the tool name) and <c>$P</c> (the path in the arguments).
/// </summary>
internal sealed record ParameterModel(ParameterRole Role, string JsonName, string Type, string Read, string Default);

/// <summary>JSON metadata resolved from the server's options when the server is built, as <c>__info{Index}</c>.</summary>
internal sealed record TypeInfoModel(int Index, string Type, string TypeName, string? Fallback);

/// <summary>Names the compile-time schema gives a type's properties or an enum's values, checked against its metadata at build.</summary>
internal sealed record NameCheckModel(string Type, string TypeName, EquatableArray<string> Names);

internal enum ResultKind
{
    Empty,
    Text,
    Raw,
    Block,
    Blocks,
    Structured,
}

/// <summary>How the method's return value becomes a <c>CallToolResult</c>.</summary>
internal sealed record ResultModel(ResultKind Kind, bool IsAsync, string? OutputSchema, bool Wrap, string? Type, string? TypeName, string? Fallback, bool IsReference);

/// <summary>A generated method that reads an enum from its JSON name.</summary>
internal sealed record EnumReaderModel(string Method, string Type, string TypeName, EquatableArray<EnumMemberModel> Members);

internal sealed record EnumMemberModel(string JsonName, string Member);

/// <summary>The parser's answer for one class: a model when code can be generated, and diagnostics either way.</summary>
internal sealed record ToolSetResult(ToolSetModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
