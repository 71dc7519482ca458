using Pmcp.Http;

namespace Pmcp.Server;

public sealed partial class McpServer
{
    /// <summary>
    /// The structured request log this server asks for (<see cref="McpServerBuilder.WithRequestLog"/>); null: the
    /// host decides (on Workers and natively the <c>PMCP_REQUEST_LOG</c> var, which also overrides this level).
    /// </summary>
    public RequestLogOptions? RequestLog { get; init; }
}
