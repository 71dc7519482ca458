using System.Runtime.CompilerServices;
using Pmcp.Http;
using Pmcp.Server;
using Pmcp.Workers.Auth;
using Pmcp.Workers.Http;
using Pmcp.Workers.Routing;

namespace Pmcp.Workers;

/// <summary>
/// Serves an <see cref="McpServer"/> over Streamable HTTP through <see cref="StreamableHttpHandler"/>, in workerd and
/// natively alike (both hosts call the same Worker entry). Its settings are one <see cref="McpEndpointOptions"/>:
/// given here, or read from the Worker's environment (<see cref="McpEndpointOptions.FromEnv"/>) once per isolate, at
/// the first request that carries it — never in the warm-up or while the start-up image is recorded, which run without
/// it:
/// <list type="bullet">
/// <item><c>MCP_API_KEY</c> (a secret): when set, requests must carry <c>Authorization: Bearer &lt;key&gt;</c>.</item>
/// <item><c>PMCP_ALLOWED_HOSTS</c> (a var, comma-separated): Host names to accept; <c>dotnet pmcp dev</c> sets the loopback ones.</item>
/// <item><c>PMCP_ALLOWED_ORIGINS</c> (a var, comma-separated): browser origins to accept.</item>
/// <item><c>PMCP_MAX_BODY_BYTES</c> (a var): the request-body limit, 4 MiB by default.</item>
/// <item><c>PMCP_AUTH_MODE</c> (a var: <c>none</c>, <c>api-key</c>, <c>oauth</c>) and, for <c>oauth</c>,
/// <c>PMCP_OAUTH_ISSUER</c>, <c>PMCP_OAUTH_RESOURCE</c>, <c>PMCP_OAUTH_SCOPES</c>, <c>PMCP_OAUTH_JWKS_URL</c>: see
/// <see cref="McpEndpointOptions.FromEnv"/>. As an OAuth resource server, the whole-Worker form also serves the
/// protected resource metadata at <c>/.well-known/oauth-protected-resource</c> and its path-suffixed form.</item>
/// </list>
/// </summary>
public sealed class McpEndpoint
{
    private readonly McpServer _server;
    private readonly bool _routed;

    /// <summary>The settings' outcome, once known: the handler, or why there is none (a blank key, incomplete OAuth settings).</summary>
    private Settled? _settled;

    /// <summary>The handler the warm-up runs (no settings: it has no environment); dropped once settled.</summary>
    private StreamableHttpHandler? _warmUp;

    /// <summary>The services handed to handlers for the last environment seen (natively one for the whole process).</summary>
    private EnvServices? _services;

    private McpEndpoint(McpServer server, McpEndpointOptions? options, bool routed)
    {
        // A handler's failure goes to the Worker's log (wrangler tail) unless the builder named a log, with the request's
        // id in front when its lines are logged (Log's scope). Natively a host that knows the server sets its own logger,
        // whatever order the endpoint and the host are made in; for one that does not (an IWorker's), this is its log.
        if (OperatingSystem.IsBrowser())
        {
            server.UseHostFailureLog(LogFailure);
        }
        else
        {
            server.UseHostFailureLogIfNone(LogFailure);
        }
        _server = server;
        _routed = routed;
        // Settings given in code need no environment: the warm-up already runs with them.
        _settled = options is null ? null : SettledFrom(options);
    }

    private static void LogFailure(HandlerFailure failure) => Log.Error("pmcp: " + failure);

    /// <summary>A route handler for <c>router.Post("/mcp", McpEndpoint.Create(server))</c>, with its settings from the environment.</summary>
    public static Func<Request, RouteContext, Task<Response>> Create(McpServer server) => Create(server, null);

    /// <summary>
    /// A route handler for <c>router.Post("/mcp", McpEndpoint.Create(server, options))</c>; null
    /// <paramref name="options"/> reads them from the environment.
    /// </summary>
    public static Func<Request, RouteContext, Task<Response>> Create(McpServer server, McpEndpointOptions? options)
    {
        ArgumentNullException.ThrowIfNull(server);
        var endpoint = new McpEndpoint(server, options, routed: true);
        return endpoint.HandleRouteAsync;
    }

    /// <summary>A whole Worker that is one MCP server: <c>/mcp</c> and <c>/health</c>, with its settings from the environment.</summary>
    public static Func<Request, Env, Context, Task<Response>> Worker(McpServer server) => Worker(server, null);

    /// <summary>A whole Worker that is one MCP server; null <paramref name="options"/> reads them from the environment.</summary>
    public static Func<Request, Env, Context, Task<Response>> Worker(McpServer server, McpEndpointOptions? options)
    {
        ArgumentNullException.ThrowIfNull(server);
        var endpoint = new McpEndpoint(server, options, routed: false);
        return (request, env, _) => endpoint.HandleAsync(request, env);
    }

    /// <summary>The route handler: a <see cref="Router"/> recognises it by its target and leaves the body to it.</summary>
    private Task<Response> HandleRouteAsync(Request request, RouteContext route) => HandleAsync(request, route.Env);

    private async Task<Response> HandleAsync(Request request, Env env)
    {
        var settled = _settled ?? (env.IsProvisional ? null : Settle(env));
        StreamableHttpHandler handler;
        if (settled is null)
        {
            handler = _warmUp ??= new StreamableHttpHandler(_server, new McpEndpointOptions().ToHttpOptions(_routed));
        }
        else if (settled.Handler is { } ready)
        {
            handler = ready;
            if (!_routed && settled.OAuth is { } oauth && oauth.IsMetadataPath(request.Path, handler.Options.McpPath))
            {
                return ProtectedResourceMetadata(request, oauth);
            }

            if (!_routed && settled.AuthorizationServer is { } server && BuiltInAuthorizationServer.IsServerPath(request.Path))
            {
                return await server.HandleAsync(request, env).ConfigureAwait(false);
            }
        }
        else
        {
            return RefuseMisconfigured(request, settled.Error!);
        }

        var path = _routed ? handler.Options.McpPath : request.Path;
        var services = _services is { } known && ReferenceEquals(known.Env, env) ? known : _services = new EnvServices(env);
        string? logId = null;
        if (handler.Options.RequestLog is { Level: not RequestLogLevel.Off })
        {
            // With request lines on, the request gets an id of its own, which its lines and the user's Log lines carry
            // (beside cf-ray): set here, on this request's own flow, so every await of it and only of it sees it.
            logId = RequestLog.NewId();
            LogScope.Enter(logId, request.Headers.Get("cf-ray"));
        }

        // The handler reads the body only once path, method, Host, Origin and key have passed.
        var mcpRequest = new McpHttpRequest(request.Method, path, request)
        {
            Aborted = request.Aborted,
            Services = services,
            RequestId = request.Id,
            LogRequestId = logId,
            Query = request.QueryString,
        };
        var response = await handler.HandleCoreAsync(mcpRequest).ConfigureAwait(false);
        return ToResponse(response);
    }

    /// <summary>
    /// How long an event stream may stay silent before a comment line is sent: a client that went away is noticed only
    /// when something is written to it behind some proxies (wrangler dev's among them), and only then is the handler
    /// cancelled. SSE clients ignore comments.
    /// </summary>
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(5);

    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    /// <summary>Reads the settings once; two first requests at once (natively) settle alike, and the first one is kept.</summary>
    private Settled Settle(Env env)
    {
        var options = McpEndpointOptions.FromEnv(env);
        var settled = Interlocked.CompareExchange(ref _settled, SettledFromEnv(env, options), null) ?? _settled!;
        if (ReferenceEquals(settled.Options, options) && options.RequestLogWarning is { } warning)
        {
            Log.Warn("pmcp: " + warning + ". Fix [logging] in deploy.toml, or the Worker's vars.");
        }

        _warmUp = null;
        return settled;
    }

    /// <summary>The settings of <paramref name="env"/>, and the request-state secrets it holds (a Worker secret, natively a .dev.vars line).</summary>
    private Settled SettledFromEnv(Env env, McpEndpointOptions options)
    {
        var secretError = _server.UseHostRequestStateSecret(
            env.GetOrDefault(McpServer.RequestStateSecretVariable), env.GetOrDefault(McpServer.RequestStateSecretVariable + "_PREVIOUS"));
        return secretError is not null ? new(null, null, null, secretError, options) : SettledFrom(options);
    }

    private Settled SettledFrom(McpEndpointOptions options)
    {
        // The server's own failures follow its endpoint's settings (one endpoint per server in practice).
        _server.LogExceptionMessages = options.LogExceptionMessages;
        if (options.Misconfiguration is { } error)
        {
            return new(null, null, null, error, options);
        }

        OAuthResourceServer? oauth;
        BuiltInAuthorizationServer? server;
        CloudflareAccessAuthenticator? access;
        try
        {
            server = options.AuthorizationServer is { } built ? new BuiltInAuthorizationServer(built) : null;
            oauth = server?.ResourceMetadata ?? (options.OAuth is { } settings ? new OAuthResourceServer(settings) : null);
            access = options.Access is { } team ? new CloudflareAccessAuthenticator(team) : null;
        }
        catch (ArgumentException e)
        {
            return new(null, null, null, e.Message, options);
        }

        var http = options.ToHttpOptions(_routed);
        http.Authenticator = server is not null ? server.Authenticator : oauth is not null ? oauth : access;
        http.RequestLog = RequestLogOf(options);
        return new(new StreamableHttpHandler(_server, http), oauth, server, null, options);
    }

    /// <summary>
    /// The request log: the endpoint's (its vars) over the server's own, argument names if either asks for them,
    /// written to the Worker's console.
    /// </summary>
    private RequestLogOptions RequestLogOf(McpEndpointOptions options)
    {
        var chosen = options.RequestLog is { } own
            ? own with { ArgumentNames = own.ArgumentNames || _server.RequestLog?.ArgumentNames == true }
            : _server.RequestLog;
        return chosen is { Level: not RequestLogLevel.Off } on ? on with { Writer = on.Writer ?? Log.RequestLine } : RequestLogOptions.Off;
    }

    private Response RefuseMisconfigured(Request request, string error)
    {
        if (!_routed && request.Path != new StreamableHttpOptions().McpPath)
        {
            return request.Path == "/health" && request.Method is "GET" or "HEAD" ? Response.Ok("OK") : Response.Text("Not Found", 404);
        }

        if (error.StartsWith("the secret MCP_API_KEY", StringComparison.Ordinal))
        {
            Log.Error("pmcp: the secret MCP_API_KEY is set but empty, so every MCP request is refused. Set a key with: dotnet pmcp deploy secrets set MCP_API_KEY (locally: MCP_API_KEY=<key> in .dev.vars), or delete the secret to serve without one.");
            return Response.Text("Internal Server Error: the Worker's MCP_API_KEY is empty; see its logs.", 500);
        }

        Log.Error($"pmcp: every MCP request is refused because {error}. Fix the Worker's settings ([auth] in deploy.toml, or its vars).");
        return Response.Text("Internal Server Error: the Worker's authentication settings are incomplete; see its logs.", 500);
    }

    /// <summary>
    /// The protected resource metadata (RFC 9728) for GET and HEAD, to any origin (it is public, and browser-based
    /// clients read it); a preflight is answered; other methods get 405.
    /// </summary>
    private static Response ProtectedResourceMetadata(Request request, OAuthResourceServer oauth)
    {
        var headers = new Headers(4)
            .Append("Access-Control-Allow-Origin", "*")
            .Append("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
            .Append("Access-Control-Allow-Headers", "MCP-Protocol-Version");
        return request.Method switch
        {
            "GET" => new Response(200, oauth.MetadataJson, headers.Append("Content-Type", "application/json").Append("Cache-Control", "public, max-age=300")),
            "HEAD" => new Response(200, ReadOnlyMemory<byte>.Empty, headers.Append("Content-Type", "application/json")),
            "OPTIONS" => new Response(204, ReadOnlyMemory<byte>.Empty, headers.Append("Access-Control-Max-Age", "86400")),
            _ => new Response(405, "Method Not Allowed"u8.ToArray(), headers.Append("Allow", "GET, HEAD, OPTIONS")),
        };
    }

    /// <summary>An event stream stays a stream: progress, logs and requests to the client reach it as they happen.</summary>
    /// <remarks>The handler's header list is read in place (the engine's names and values need no check); it is copied only if the Worker changes the headers.</remarks>
    private static Response ToResponse(McpHttpResponse response) =>
        new(response.StatusCode, response.Body, new Headers(response.Headers)) { BodyStream = response.EventStream is { } events ? KeepAlive(events) : null };

    /// <summary>The handler's events (each chunk one whole event), with a comment between two when it has been silent a while.</summary>
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> KeepAlive(IAsyncEnumerable<ReadOnlyMemory<byte>> events, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            Task<bool>? next = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                next ??= enumerator.MoveNextAsync().AsTask();
                if (!next.IsCompleted && !await NextWithinAsync(next, cancellationToken).ConfigureAwait(false))
                {
                    yield return KeepAliveComment;
                    continue;
                }

                if (!await next.ConfigureAwait(false))
                {
                    yield break;
                }

                next = null;
                yield return enumerator.Current;
            }
        }
    }

    /// <summary>True when <paramref name="next"/> completes within <see cref="KeepAliveInterval"/>.</summary>
    private static async Task<bool> NextWithinAsync(Task<bool> next, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(KeepAliveInterval, idle.Token);
        var first = await Task.WhenAny(next, delay).ConfigureAwait(false);
        await idle.CancelAsync().ConfigureAwait(false);
        return first == next;
    }

    /// <summary>The settled handler; <paramref name="OAuth"/> serves the protected resource metadata (for the built-in server too).</summary>
    private sealed record Settled(StreamableHttpHandler? Handler, OAuthResourceServer? OAuth, BuiltInAuthorizationServer? AuthorizationServer, string? Error, McpEndpointOptions Options);
}
