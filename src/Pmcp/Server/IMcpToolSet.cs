namespace Pmcp.Server;

/// <summary>
/// A class of tools declared with <see cref="McpToolAttribute"/>. Implemented by generated code: mark the class
/// <see cref="McpToolSetAttribute"/> and add it with <see cref="McpServerBuilder.WithTools{TToolSet}"/>.
/// </summary>
public interface IMcpToolSet
{
    /// <summary>Adds every tool of the set to <paramref name="builder"/>.</summary>
    static abstract void AddTools(McpServerBuilder builder);
}
