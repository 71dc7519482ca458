using HelloWorld;
using Pmcp.Workers;
using Pmcp.Workers.Http;

namespace PerRequestWorker;

/// <summary>
/// HelloWorld's MCP server, built for every request: <see cref="HelloWorldServer.CreateServer"/> and the Streamable
/// HTTP endpoint around it, then dropped. The generated worker for HelloWorld itself (<c>Worker.ServeMcp</c>) builds
/// them once per isolate; the benchmark compares the two.
/// </summary>
public sealed class PerRequestWorker : IWorker
{
    public static Task<Response> FetchAsync(Request request, Env env, Context context) =>
        McpEndpoint.Worker(HelloWorldServer.CreateServer())(request, env, context);
}
