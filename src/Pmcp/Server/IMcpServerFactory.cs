namespace Pmcp.Server;

/// <summary>
/// Implemented by the one type in a server project that builds its <see cref="McpServer"/>. The hosts
/// (<c>dotnet pmcp dev</c> natively and in workerd) find it and call <see cref="CreateServer"/> once.
/// <code>
/// public sealed class HelloWorld : IMcpServerFactory
/// {
///     public static McpServer CreateServer() => McpServer.CreateBuilder("hello-world", "1.0.0")...Build();
/// }
/// </code>
/// </summary>
public interface IMcpServerFactory
{
    /// <summary>Builds the server the project serves; called once per process or Worker isolate.</summary>
    /// <returns>The built server, typically from <see cref="McpServer.CreateBuilder"/>.</returns>
    static abstract McpServer CreateServer();
}
