using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pmcp.Http;
using Pmcp.Server;
using Pmcp.Workers;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// Serves an <see cref="McpServer"/> on Kestrel through the same <see cref="StreamableHttpHandler"/> the Workers host uses:
/// one terminal middleware, no MVC, no routing, so the native host is as lean as the protocol allows.
/// </summary>
public static class NativeMcpHost
{
    /// <summary>Builds (does not start) a web application serving <paramref name="server"/>.</summary>
    public static WebApplication Build(McpServer server, NativeHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsLoopback && options.Http.AllowedHosts.Count == 0)
        {
            foreach (var host in StreamableHttpOptions.LoopbackHosts)
            {
                options.Http.AllowedHosts.Add(host);
            }
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            // Room to read and drop an oversized body, so the client gets its 413 instead of a reset connection.
            k.Limits.MaxRequestBodySize = options.Http.MaxRequestBodyBytes + (long)DrainBytes;
        });
        builder.WebHost.UseUrls($"http://{(options.Host.Contains(':', StringComparison.Ordinal) && !options.Host.StartsWith('[') ? $"[{options.Host}]" : options.Host)}:{options.Port}");

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Pmcp");
        server.OnUnhandledException ??= e =>
        {
            if (e is ToolFailedException)
            {
                logger.LogError(e, "A tool failed; the client got an isError result without the message");
            }
            else
            {
                logger.LogError(e, "A handler failed; the client got -32603");
            }
        };
        var handler = new StreamableHttpHandler(server, options.Http);
        // Handlers reach the Worker environment, as in workerd, and nothing of ASP.NET's container.
        var services = new EnvServices(options.Env ?? new Env(new DictionaryEnvSource(new Dictionary<string, string>())));
        app.Run(context => ServeAsync(handler, services, context));
        return app;
    }

    /// <summary>The address the started app listens on, such as <c>http://127.0.0.1:8787</c>.</summary>
    public static string ListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task ServeAsync(StreamableHttpHandler handler, EnvServices services, HttpContext context)
    {
        var http = context.Request;
        var (body, tooLarge) = await ReadBodyAsync(http, handler.Options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        try
        {
            var request = new McpHttpRequest(http.Method, http.Path.Value ?? "/", name => HeaderValue(http.Headers, name), body)
            {
                BodyTooLarge = tooLarge,
                Aborted = context.RequestAborted,
                Services = services,
            };
            var response = await handler.HandleAsync(request).ConfigureAwait(false);
            await WriteAsync(context, response).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; nothing to answer.
        }
    }

    private static string? HeaderValue(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>
    /// Reads at most <paramref name="limit"/> + 1 bytes, so an oversized body is refused without being buffered.
    /// The body comes back in an array of its own: work behind an event stream may read it after this request ends.
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > 0 and var declared && declared > limit)
        {
            return (ReadOnlyMemory<byte>.Empty, await TooLargeAsync(request, cancellationToken).ConfigureAwait(false));
        }

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
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (ReadOnlyMemory<byte>.Empty, await TooLargeAsync(request, cancellationToken).ConfigureAwait(false));
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (ReadOnlyMemory<byte>.Empty, await TooLargeAsync(request, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (ReadOnlyMemory<byte>.Empty, true);
        }

        var body = buffer.AsSpan(0, total).ToArray();
        ArrayPool<byte>.Shared.Return(buffer);
        return (body, false);
    }

    /// <summary>How much of an oversized body is read and dropped before answering 413; beyond it the connection is cut.</summary>
    private const int DrainBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Reads and drops the rest of an oversized body (up to <see cref="DrainBytes"/>): a client still sending would
    /// otherwise see its connection reset instead of the 413. Always true: the body was too large.
    /// </summary>
    private static async Task<bool> TooLargeAsync(HttpRequest request, CancellationToken cancellationToken)
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

        return true;
    }

    private static async Task WriteAsync(HttpContext context, McpHttpResponse response)
    {
        var http = context.Response;
        http.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        if (response.EventStream is { } events)
        {
            await http.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await foreach (var chunk in events.WithCancellation(context.RequestAborted).ConfigureAwait(false))
            {
                await http.Body.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
                await http.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }

            return;
        }

        if (!response.Body.IsEmpty)
        {
            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
