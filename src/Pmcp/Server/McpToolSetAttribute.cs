namespace Pmcp.Server;

/// <summary>
/// Marks a class whose <see cref="McpToolAttribute"/> methods are tools. Pmcp's source generator makes the class
/// implement <see cref="IMcpToolSet"/> at compile time, so it must be a non-static <c>partial</c> class;
/// add its tools with <see cref="McpServerBuilder.WithTools{TToolSet}"/>.
/// <code>
/// [McpToolSet]
/// public sealed partial class MyTools
/// {
///     [McpTool("echo"), Description("Return the message it is given")]
///     public static string Echo([Description("The message to send back")] string message) => message;
/// }
/// </code>
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class McpToolSetAttribute : Attribute;
