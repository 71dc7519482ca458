namespace Pmcp.Server;

/// <summary>
/// Makes a static method of an <see cref="McpToolSetAttribute"/> class a tool. Its name, description, input schema
/// and output schema are computed at compile time from the declaration; its arguments are bound by generated code.
/// The description comes from <see cref="Description"/> or a <c>[Description]</c> on the method; the hints
/// (<see cref="ReadOnly"/>, <see cref="Destructive"/>, <see cref="Idempotent"/>, <see cref="OpenWorld"/>) are sent
/// only when set.
/// <para>
/// Each parameter is an argument named in camelCase, described by its <c>[Description]</c>; it is required unless it has
/// a default or a nullable type. Primitives, enums (strings named as their members, or by <c>[JsonStringEnumMemberName]</c>)
/// and arrays or lists of them are read by generated code; other types through the JSON metadata given to
/// <see cref="McpServerBuilder.WithJsonContext"/>. <see cref="McpRequestContext"/> and <see cref="CancellationToken"/>
/// parameters are given, not read. The result becomes text (<c>string</c>), content (<c>ContentBlock</c>s), the
/// <c>CallToolResult</c> itself, an empty result (<c>void</c>, <c>Task</c>), or structured content with an output schema.
/// </para>
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class McpToolAttribute : Attribute
{
    /// <summary>A tool named after its method in snake_case, without an <c>Async</c> suffix: <c>GetWeatherAsync</c> is <c>get_weather</c>.</summary>
    public McpToolAttribute()
    {
    }

    /// <summary>A tool with the given name instead of one derived from the method's.</summary>
    /// <param name="name">The tool's name as clients see and call it.</param>
    public McpToolAttribute(string name) => Name = name;

    /// <summary>The tool's name; null when it is derived from the method's name.</summary>
    public string? Name { get; }

    /// <summary>A human-readable name clients may show in place of <see cref="Name"/>.</summary>
    public string? Title { get; set; }

    /// <summary>
    /// What the tool does, for the model that chooses it; when null, the method's <c>[Description]</c> is used.
    /// </summary>
    public string? Description { get; set; }

    /// <summary>The tool does not change its environment (<c>readOnlyHint</c>).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>The tool may destroy or overwrite data (<c>destructiveHint</c>).</summary>
    public bool Destructive { get; set; }

    /// <summary>Calling the tool again with the same arguments has no further effect (<c>idempotentHint</c>).</summary>
    public bool Idempotent { get; set; }

    /// <summary>The tool reaches entities outside the server, such as the web (<c>openWorldHint</c>).</summary>
    public bool OpenWorld { get; set; }

    /// <summary>
    /// The OAuth scopes a caller must hold, all of them, to call the tool, such as <c>["notes:write"]</c>
    /// (<see cref="ToolRegistration.RequiredScopes"/>): when the endpoint authenticates callers, one without them is
    /// answered 403 with an <c>insufficient_scope</c> challenge naming them.
    /// </summary>
#pragma warning disable CA1819 // an attribute's list argument is an array: C# allows no other
    public string[]? RequiredScopes { get; set; }
#pragma warning restore CA1819
}
