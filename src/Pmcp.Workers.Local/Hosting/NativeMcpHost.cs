using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pmcp.Http;
using Pmcp.Server;
using Pmcp.Workers;
using Pmcp.Workers.Http;
using Pmcp.Workers.Local.WebSockets;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// Serves a Worker on Kestrel through the same entry workerd calls (one pipeline): each <see cref="HttpContext"/>
/// becomes the Workers <see cref="Request"/> (its headers read in place, its body read only when the Worker asks, up to its limit),
/// the registered fetch (<see cref="Worker.ServeMcp{TServer}"/>, <see cref="Worker.Serve{TWorker}"/>, or
/// <see cref="McpEndpoint.Worker(McpServer)"/>) answers it with the same <see cref="Env"/> and
/// <see cref="Context"/> as in workerd, and its <see cref="Response"/> (a streamed body included) is written back.
/// A <see cref="Response.WebSocket"/> is answered by accepting the request's WebSocket on Kestrel, as workerd answers
/// it with a WebSocketPair. One terminal middleware (behind Kestrel's WebSocket upgrade), no MVC, no routing, so the
/// native host is as lean as the protocol allows.
/// </summary>
public static class NativeMcpHost
{
    /// <summary>Builds (does not start) a web application serving <paramref name="server"/> as a Worker: <c>/mcp</c> and <c>/health</c>.</summary>
    public static WebApplication Build(McpServer server, NativeHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(server);
        var app = Build(McpEndpoint.Worker(server), options);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pmcp");
        server.UseHostFailureLog(HandlerFailureLog.To(logger));
        return app;
    }

    /// <summary>Builds (does not start) a web application serving the Worker entry <paramref name="fetch"/>.</summary>
    public static WebApplication Build(Func<Request, Env, Context, Task<Response>> fetch, NativeHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(options);
        // SubtleCrypto verifies Ed25519 here as workerd does (an OAuth resource server checks EdDSA tokens with it),
        // whatever Env the host was given.
        Crypto.LibsodiumEd25519.Register();
        var worker = new NativeWorker(fetch, EnvOf(options));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // Hosting's diagnostics log only below Warning, yet while they can log at all ASP.NET Core starts an Activity and
        // a log scope for every request (about 770 bytes and an id to make); nothing of theirs is ever shown here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            // Room to read and drop an oversized body, so the client gets its 413 instead of a reset connection.
            k.Limits.MaxRequestBodySize = worker.MaxBodyBytes + (long)DrainBytes;
        });
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':', StringComparison.Ordinal) && !options.Host.StartsWith('[') ? $"[{options.Host}]" : options.Host)}:{options.Port}");
        // Context.WaitUntil work runs to its end: stopping the host waits for it.
        builder.Services.AddHostedService(_ => worker.Pending);

        var app = builder.Build();
        // A Worker's Response.WebSocket is answered by accepting the request's WebSocket (NativeWebSocketResponses).
        // Only where WebSocketMiddleware would act (an HTTP/1.1 upgrade or an extended CONNECT): every other request skips its per-request handshake object.
        app.UseWhen(MayBeWebSocket, branch => branch.UseWebSockets());
        app.Run(context => ServeAsync(worker, context));
        return app;
    }

    /// <summary>The requests WebSocketMiddleware itself looks at; for any other it only adds a feature that answers "not a WebSocket".</summary>
    private static bool MayBeWebSocket(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };

    /// <summary>The address the started app listens on, such as <c>http://127.0.0.1:8787</c>.</summary>
    public static string ListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The project's environment with the host's vars over it; on loopback, the loopback Host names unless set.</summary>
    private static Env EnvOf(NativeHostOptions options)
    {
        var vars = new Dictionary<string, string>(options.Vars, StringComparer.Ordinal);
        if (options.IsLoopback && !vars.ContainsKey(McpEndpointOptions.AllowedHostsVar))
        {
            vars[McpEndpointOptions.AllowedHostsVar] = string.Join(',', StreamableHttpOptions.LoopbackHosts);
        }

        var source = options.Env?.Source ?? new DictionaryEnvSource(new Dictionary<string, string>());
        return new Env(new VarsOverEnvSource(vars, source));
    }

    private static async Task ServeAsync(NativeWorker worker, HttpContext context)
    {
        var http = context.Request;
        var aborted = context.RequestAborted;
        var native = new NativeRequest(http, worker);
        try
        {
            var hasBody = !HttpMethods.IsGet(http.Method) && !HttpMethods.IsHead(http.Method);
            if (hasBody && http.ContentLength > worker.MaxBodyBytes)
            {
                // As the JS host answers it, before the Worker sees the request.
                await DrainAsync(http, aborted).ConfigureAwait(false);
                await WriteAsync(context, worker.TooLarge()).ConfigureAwait(false);
                return;
            }

            var (path, query) = Target(context);
            var request = new Request(http.Method, (http.Scheme, http.Host.HasValue ? http.Host.Value : "localhost", path, query), new Headers(native), hasBody ? native : null)
            {
                Aborted = aborted,
                Id = http.Headers["cf-ray"] is [{ } ray, ..] ? ray : context.TraceIdentifier,
            };
            Response response;
            try
            {
                response = await worker.Fetch(request, worker.Env, worker.Context).ConfigureAwait(false);
            }
            catch (BodyRefusedException refusal)
            {
                // The Worker read a body over the limit and did not answer that itself.
                response = BodyRefusals.ToResponse(refusal);
            }
            catch (Exception e) when (!aborted.IsCancellationRequested)
            {
                // As in workerd: one failed request is a 500 and a log line.
                Log.Error($"Unhandled {e.GetType().Name} in {http.Method} {path}: {e.Message}");
                response = Response.Text("Internal Server Error", 500);
            }

            await WriteAsync(context, response).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left; nothing to answer.
        }
        finally
        {
            worker.Bodies.Release(native.Reserved);
        }
    }

    /// <summary>The request target's path (still percent-encoded, as workerd's URL has it) and query.</summary>
    private static (string Path, string Query) Target(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            var http = context.Request;
            return (http.PathBase.Add(http.Path).Value is { Length: > 0 } p ? p : "/", http.QueryString.HasValue ? http.QueryString.Value![1..] : "");
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (target, "") : (target[..question], target[(question + 1)..]);
    }

    /// <summary>
    /// The body, in an array of its own (work behind an event stream may read it after this request ends); over
    /// <paramref name="limit"/>, a <see cref="BodyRefusedException"/> (413). A declared length over the limit never gets
    /// here: <see cref="ServeAsync"/> answers it first. When the whole body of a declared length is already buffered
    /// (the usual small JSON-RPC request) it is copied out at once, with no read loop, no pooled buffer and no second
    /// copy; otherwise <see cref="ReadBodyAsync"/> reads it.
    /// </summary>
    internal static ValueTask<ReadOnlyMemory<byte>> ReadBody(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length && !cancellationToken.IsCancellationRequested)
        {
            var reader = request.BodyReader;
            try
            {
                if (reader.TryRead(out var result))
                {
                    var buffer = result.Buffer;
                    if (result.IsCompleted && buffer.Length == length)
                    {
                        var body = buffer.IsEmpty ? [] : buffer.ToArray();
                        reader.AdvanceTo(buffer.End);
                        return ValueTask.FromResult<ReadOnlyMemory<byte>>(body);
                    }

                    // Not all here yet: nothing consumed, the loop below reads it all.
                    reader.AdvanceTo(buffer.Start);
                }
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
            {
                return ValueTask.FromException<ReadOnlyMemory<byte>>(BodyRefusals.TooLarge(limit));
            }
        }

        return ReadBodyAsync(request, limit, cancellationToken);
    }

    /// <summary>Reads at most <paramref name="limit"/> + 1 bytes, so an oversized body is refused without being buffered.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var capacity = request.ContentLength is { } length ? (int)Math.Min(length, limit) + 1 : 4096;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > limit)
                    {
                        break;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    var body = buffer.AsSpan(0, total).ToArray();
                    ArrayPool<byte>.Shared.Return(buffer);
                    return body;
                }

                total += read;
                if (total > limit)
                {
                    break;
                }
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // Over Kestrel's own limit: the connection will be closed.
            ArrayPool<byte>.Shared.Return(buffer);
            throw BodyRefusals.TooLarge(limit);
        }

        ArrayPool<byte>.Shared.Return(buffer);
        await DrainAsync(request, cancellationToken).ConfigureAwait(false);
        throw BodyRefusals.TooLarge(limit);
    }

    /// <summary>How much of an oversized body is read and dropped before answering 413; beyond it the connection is cut.</summary>
    private const int DrainBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Reads and drops the rest of an oversized body (up to <see cref="DrainBytes"/>): a client still sending would
    /// otherwise see its connection reset instead of the 413.
    /// </summary>
    private static async Task DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await request.Body.ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // Over Kestrel's own limit (the drain allowance): the connection will be closed.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static async Task WriteAsync(HttpContext context, Response response)
    {
        if (NativeWebSocketResponses.IsWebSocket(response))
        {
            await NativeWebSocketResponses.RunAsync(context, response).ConfigureAwait(false);
            return;
        }

        var http = context.Response;
        http.StatusCode = response.Status;
        if (response.Headers.TryGetList(out var headers))
        {
            // Without an enumerator: the usual answer's headers are the MCP handler's own list.
            for (var i = 0; i < headers.Count; i++)
            {
                http.Headers.Append(headers[i].Key, headers[i].Value);
            }
        }
        else
        {
            foreach (var (name, value) in response.Headers)
            {
                http.Headers.Append(name, value);
            }
        }

        if (response.BodyStream is { } chunks)
        {
            var aborted = context.RequestAborted;
            await http.StartAsync(aborted).ConfigureAwait(false);
            await foreach (var chunk in chunks.WithCancellation(aborted).ConfigureAwait(false))
            {
                await http.Body.WriteAsync(chunk, aborted).ConfigureAwait(false);
                await http.Body.FlushAsync(aborted).ConfigureAwait(false);
            }

            return;
        }

        // As workerd: no body on 204 and 304.
        if (!response.Body.IsEmpty && response.Status is not (204 or 304))
        {
            http.ContentLength = response.Body.Length;
            await http.BodyWriter.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
