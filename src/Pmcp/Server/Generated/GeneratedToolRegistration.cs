using System.ComponentModel;
using System.Text.Json;

namespace Pmcp.Server.Generated;

/// <summary>
/// Called by the code Pmcp's source generator writes; not part of the API you call.
/// Adds the tools of <see cref="McpToolAttribute"/> methods to a builder, each made when the server is built.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedToolRegistration
{
    /// <summary>
    /// A tool made when the server is built, from the server's JSON options (to resolve its types' metadata).
    /// Used by generated code; not meant to be called directly.
    /// </summary>
    /// <param name="builder">The builder the tool set is added to.</param>
    /// <param name="create">Makes the tool's registration from the server's JSON options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static McpServerBuilder AddGeneratedTool(this McpServerBuilder builder, Func<JsonSerializerOptions, ToolRegistration> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddTool(create);
    }
}
