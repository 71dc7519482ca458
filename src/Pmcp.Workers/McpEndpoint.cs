using Pmcp.Http;
using Pmcp.Server;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace Pmcp.Workers;

/// <summary>
/// Serves an <see cref="McpServer"/> over Streamable HTTP on a Worker, through the same
/// <see cref="StreamableHttpHandler"/> as the native host. Settings come from the Worker's environment:
/// <list type="bullet">
/// <item><c>MCP_API_KEY</c> (a secret): when set, requests must carry <c>Authorization: Bearer &lt;key&gt;</c>.</item>
/// <item><c>PMCP_ALLOWED_HOSTS</c> (a var, comma-separated): Host names to accept; <c>dotnet pmcp dev</c> sets the loopback ones.</item>
/// <item><c>PMCP_ALLOWED_ORIGINS</c> (a var, comma-separated): browser origins to accept.</item>
/// </list>
/// </summary>
public sealed class McpEndpoint
{
    private readonly McpServer _server;
    private StreamableHttpHandler? _handler;
    private (string? ApiKey, string? Hosts, string? Origins) _settings;

    private McpEndpoint(McpServer server) => _server = server;

    /// <summary>A route handler for <c>router.Post("/mcp", McpEndpoint.Create(server))</c>.</summary>
    public static Func<Request, RouteContext, Task<Response>> Create(McpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var endpoint = new McpEndpoint(server);
        return (request, route) => endpoint.HandleAsync(request, route.Env, routed: true);
    }

    /// <summary>A whole Worker that is one MCP server: <c>/mcp</c> and <c>/health</c>.</summary>
    public static Func<Request, Env, Context, Task<Response>> Worker(McpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var endpoint = new McpEndpoint(server);
        return (request, env, _) => endpoint.HandleAsync(request, env, routed: false);
    }

    /// <param name="routed">True when a <see cref="Router"/> already chose this route: the path is then the MCP path, whatever it is.</param>
    private async Task<Response> HandleAsync(Request request, Env env, bool routed)
    {
        // The settings rarely change (a Worker's env is fixed per deployment; the warm-up runs without one), so the
        // handler is rebuilt only when they do.
        var settings = (env.GetOrDefault("MCP_API_KEY"), env.GetOrDefault("PMCP_ALLOWED_HOSTS"), env.GetOrDefault("PMCP_ALLOWED_ORIGINS"));
        if (settings.Item1 is { } key && string.IsNullOrWhiteSpace(key))
        {
            // A key that is configured but empty is a mistake, never "no auth": refuse MCP requests until it is fixed.
            return RefuseForEmptyKey(request, routed);
        }

        if (_handler is null || settings != _settings)
        {
            _handler = new StreamableHttpHandler(_server, OptionsFrom(settings, routed));
            _settings = settings;
        }

        var handler = _handler;
        var path = routed ? handler.Options.McpPath : request.Path;
        var mcpRequest = new McpHttpRequest(request.Method, path, name => request.Headers[name], request.Body)
        {
            Aborted = request.Aborted,
            Services = new EnvServices(env),
        };
        var response = await handler.HandleAsync(mcpRequest).ConfigureAwait(false);
        return ToResponse(response);
    }

    private static Response RefuseForEmptyKey(Request request, bool routed)
    {
        if (!routed && request.Path != new StreamableHttpOptions().McpPath)
        {
            return request.Path == "/health" && request.Method is "GET" or "HEAD" ? Response.Ok("OK") : Response.Text("Not Found", 404);
        }

        Log.Error("pmcp: the secret MCP_API_KEY is set but empty, so every MCP request is refused. Set a key with: dotnet pmcp deploy secrets set MCP_API_KEY (locally: MCP_API_KEY=<key> in .dev.vars), or delete the secret to serve without one.");
        return Response.Text("Internal Server Error: the Worker's MCP_API_KEY is empty; see its logs.", 500);
    }

    private static StreamableHttpOptions OptionsFrom((string? ApiKey, string? Hosts, string? Origins) settings, bool routed)
    {
        var options = new StreamableHttpOptions { ApiKey = settings.ApiKey };
        if (routed)
        {
            options.HealthPath = null;
        }

        foreach (var host in Split(settings.Hosts))
        {
            options.AllowedHosts.Add(host);
        }

        foreach (var origin in Split(settings.Origins))
        {
            options.AllowedOrigins.Add(origin);
        }

        return options;
    }

    private static string[] Split(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>An event stream stays a stream: progress, logs and requests to the client reach it as they happen.</summary>
    private static Response ToResponse(McpHttpResponse response)
    {
        var headers = new Headers();
        foreach (var (name, value) in response.Headers)
        {
            headers.Append(name, value);
        }

        return new Response(response.StatusCode, response.Body, headers) { BodyStream = response.EventStream };
    }
}
