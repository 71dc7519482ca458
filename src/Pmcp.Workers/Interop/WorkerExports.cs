using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using System.Text;
using Pmcp.Http;
using Pmcp.Workers.Http;
using Pmcp.Workers.WebSockets;

namespace Pmcp.Workers.Interop;

/// <summary>
/// The entry points the JS host calls. A plain request crosses once each way: method, URL, headers (name, value, …) and
/// a small body in (a larger one, or one of unknown length, stays in workerd until the Worker reads it:
/// <see cref="Request.ReadBodyAsync"/>); the response out through <see cref="JsHost.Respond"/> (status and headers as one string, the body as a
/// view the host copies), which also ends the request. A streamed one ends with <see cref="JsHost.StreamEnd"/>.
/// </summary>
[SupportedOSPlatform("browser")]
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class WorkerExports
{
    /// <summary>
    /// Starts a request and returns at once; the host learns that it has ended from <see cref="JsHost.Respond"/>,
    /// <see cref="JsHost.StreamEnd"/>, or, when neither could be called, <see cref="JsHost.Done"/>. Not a
    /// <c>Task</c>-returning export: in .NET 10.0.12, one that completes synchronously leaks a JS promise holder per
    /// call (dotnet/runtime#132966), which would grow the isolate's memory with every request.
    /// <paramref name="body"/>: the body, or null when the host keeps it until asked (<see cref="JsHost.RequestBody"/>).
    /// <paramref name="warmUp"/>: one of the host's start-up requests, which run without the Worker's env (the
    /// endpoint does not read its settings from it).
    /// </summary>
    [JSExport]
    public static void Fetch(int requestId, string method, string url, string[] headers, byte[]? body, bool warmUp) =>
        _ = RunAsync(requestId, method, url, headers, body, warmUp, null);

    /// <summary>
    /// Starts an event of a Durable Object: workerd called the <c>fetch</c> of the JS class the host exports for
    /// <paramref name="className"/> (host/worker-host.mjs), in the object's own request context. The rest is
    /// <see cref="Fetch"/>'s: the request gets its id, its env is the object's, and its answer ends it the same way.
    /// <paramref name="instance"/> is the host's number for the JS instance (<see cref="JsDurableObjects"/>);
    /// <paramref name="id"/> the object's hex id, and <paramref name="name"/> its name when workerd knows it.
    /// <paramref name="alarmRetry"/>: -1 for a request; for the object's alarm (workerd called <c>alarm()</c>), its retry
    /// count, and the request is a placeholder the host made.
    /// </summary>
    [JSExport]
    public static void ObjectFetch(int requestId, int instance, string className, string id, string? name, int alarmRetry, string method, string url, string[] headers, byte[]? body) =>
        _ = RunAsync(requestId, method, url, headers, body, false, (request, env, _) => JsDurableObjects.FetchAsync(instance, className, id, name, alarmRetry, request, env));

    /// <summary>
    /// Starts a WebSocket event of a Durable Object (workerd called <c>webSocketMessage</c>, <c>webSocketClose</c> or
    /// <c>webSocketError</c> of its JS class: host/worker-host.mjs), in the object's context, as one request of its own.
    /// <paramref name="kind"/>: 1 text, 2 binary (the message is <paramref name="body"/>), 3 close, 4 error;
    /// <paramref name="socket"/> the host's handle of the socket.
    /// </summary>
    [JSExport]
    public static void ObjectWebSocketEvent(int requestId, int instance, string className, string id, string? name, int kind, int socket, int code, string reason, bool wasClean, byte[]? body) =>
        _ = RunAsync(requestId, "POST", "https://websocket.pmcp.invalid/", [], body, false, (_, env, _) =>
            JsDurableObjects.WebSocketEventAsync(instance, className, id, name, kind, socket, code, reason, wasClean, body ?? [], env));

    /// <summary>The host's JS instance of a Durable Object was collected (workerd let the object go): its C# instance goes too.</summary>
    [JSExport]
    public static void ObjectReleased(int instance) => JsDurableObjects.Release(instance);

    /// <summary>
    /// The request's client has gone (<c>request.signal</c> fired, or its streamed body's reader was cancelled): its
    /// <see cref="Request.Aborted"/> token fires, as <c>HttpContext.RequestAborted</c> does natively. Called in the
    /// request's own context.
    /// </summary>
    [JSExport]
    public static void Abort(int requestId) => RequestAborts.Abort(requestId);

    private static async Task RunAsync(int requestId, string method, string url, string[] headers, byte[]? body, bool warmUp, Func<Request, Env, Context, Task<Response>>? handler)
    {
        // Flows through every await of this request, and only this request (an async method's change stays within it).
        CurrentRequest.Id = requestId;
        var aborted = RequestAborts.Start(requestId);
        var ended = false;
        try
        {
            await FetchAsync(requestId, method, url, headers, body, warmUp, handler, aborted).ConfigureAwait(false);
            ended = true;
        }
        catch (Exception e)
        {
            Log.Error($"pmcp: answering {method} {SafePath(url)} failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            RequestAborts.End(requestId);
            if (!ended)
            {
                JsHost.Done(requestId);
            }
        }
    }

    private static async Task FetchAsync(
        int requestId, string method, string url, string[] headers, byte[]? body, bool warmUp, Func<Request, Env, Context, Task<Response>>? handler, CancellationToken aborted)
    {
        Response response;
        Request? request = null;
        try
        {
            var fetch = handler ?? Worker.Fetch ?? throw new WorkerException("No Worker is registered: the worker program must call Worker.ServeMcp<T>() or Worker.Serve<T>().");
            var requestHeaders = new Headers(headers.Length / 2);
            for (var i = 0; i + 1 < headers.Length; i += 2)
            {
                requestHeaders.Append(headers[i], headers[i + 1]);
            }

            var env = new Env(new JsEnvSource(requestId)) { IsProvisional = warmUp };
            request = new Request(method, url, requestHeaders, body ?? default, body is null ? token => ReadBodyAsync(requestId, env, token) : null)
            {
                Aborted = aborted,
                Id = requestHeaders.Get("cf-ray") ?? requestId.ToString(CultureInfo.InvariantCulture),
            };
            var context = new Context(task => JsHost.WaitUntil(requestId, task));
            response = await fetch(request, env, context).ConfigureAwait(false);
        }
        catch (BodyRefusedException refusal)
        {
            // The Worker read a body the host refused and did not answer that itself.
            response = BodyRefusals.ToResponse(refusal);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client has gone; nobody reads this answer (nginx's 499, "client closed request").
            response = Response.Empty(499);
        }
        catch (Exception e)
        {
            // The isolate stays healthy: one failed request is a 500 and a log line, never a dead runtime.
            Log.Error($"Unhandled {e.GetType().Name} in {method} {SafePath(url)}: {e.Message}");
            response = Response.Text("Internal Server Error", 500);
        }

        if (response.WebSocketHandler is not null)
        {
            // The host answers 101 once the socket is accepted; the request lasts as long as the handler, and ends
            // with done (there is no respond or streamEnd for a WebSocket).
            await WebSocketSession.RunAsync(response, new JsWebSocketAcceptor(requestId), CancellationToken.None).ConfigureAwait(false);
            JsHost.Done(requestId);
            return;
        }

        if (response.BodyStream is { } chunks)
        {
            await StreamAsync(requestId, response, chunks, aborted).ConfigureAwait(false);
            return;
        }

        JsHost.Respond(requestId, Head(response), Segment(response.Body));
        CollectAfterLargeRequest((request is { IsBodyRead: true } ? request.Body.Length : 0) + response.Body.Length);
    }

    /// <summary>Reads a body the host kept in workerd, in the request's own context, once the Worker asks for it.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(int requestId, Env env, CancellationToken cancellationToken)
    {
        var (outcome, body) = await HostOperations.RunForBytesAsync(operation => JsHost.RequestBody(requestId, operation), cancellationToken).ConfigureAwait(false);
        return outcome < 0
            ? throw BodyRefusals.TooLarge(McpEndpointOptions.BodyLimit(env.GetOrDefault(McpEndpointOptions.MaxBodyBytesVar)))
            : body ?? ReadOnlyMemory<byte>.Empty;
    }

    /// <summary>
    /// The bytes of a request and its answer past which its garbage (the body, the strings read from it, the answer) is
    /// collected as soon as it is answered: the WebAssembly memory never shrinks, so when the next large requests arrive
    /// before the GC has run, their memory is added to the garbage's for good. A collection costs a few milliseconds,
    /// little beside reading a megabyte of JSON in the interpreter.
    /// </summary>
    private const int LargeRequestBytes = 1024 * 1024;

    private static void CollectAfterLargeRequest(int bytes)
    {
        if (bytes >= LargeRequestBytes)
        {
            // From a fresh stack, not here: a request that resumed after a host operation (its body read, a binding
            // call) runs inside that operation's completion, so the frames of the work that just answered (holding the
            // body, its JSON, the answer) are still on the stack below this one, and the GC would keep all of it.
            ThreadPool.UnsafeQueueUserWorkItem(static _ => GC.Collect(), null);
        }
    }

    private static async Task StreamAsync(int requestId, Response response, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken aborted)
    {
        JsHost.StreamStart(requestId, Head(response));
        try
        {
            await foreach (var chunk in chunks.WithCancellation(aborted).ConfigureAwait(false))
            {
                // Backpressure: when the client is behind, make the next chunk only once it has caught up; when it
                // has gone, stop making chunks nobody will read, and cancel the work behind them.
                if (JsHost.StreamWrite(requestId, Segment(chunk))
                    && await HostOperations.RunAsync(operation => JsHost.StreamDrain(requestId, operation), CancellationToken.None).ConfigureAwait(false) != 0)
                {
                    RequestAborts.Abort(requestId);
                    break;
                }
            }

            JsHost.StreamEnd(requestId, null);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client has gone: nothing to report.
            JsHost.StreamEnd(requestId, null);
        }
        catch (Exception e)
        {
            // The head is sent, so the status cannot change any more: end the stream and say why in the log.
            Log.Error($"A streamed response failed: {e.GetType().Name}: {e.Message}");
            JsHost.StreamEnd(requestId, e.Message);
        }
    }

    private static ArraySegment<byte> Segment(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());

    /// <summary>The outcome of a host operation (<see cref="HostOperations"/>): an error message, or its value.</summary>
    [JSExport]
    public static void OperationDone(int operation, string? error, int value) => HostOperations.Complete(operation, error, value);

    /// <summary>
    /// The outcome of a host operation that delivers bytes to .NET (<see cref="HostOperations.RunForBytesAsync"/>): its
    /// value and the bytes, copied into .NET memory by this one call.
    /// </summary>
    [JSExport]
    public static void OperationDelivered(int operation, int value, byte[] bytes) => HostOperations.Complete(operation, null, value, bytes);

    /// <summary>
    /// The request the calling .NET code belongs to, or 0: asked synchronously by the host's routing of .NET's own
    /// HttpClient handler (host/fetch.mjs), which must fetch in that request's context.
    /// </summary>
    [JSExport]
    public static int CurrentRequestId() => CurrentRequest.Id;

    /// <summary>Called once while the isolate starts, before the first request.</summary>
    [JSExport]
    public static Task WarmUpAsync() => EngineWarmUp.RunAsync();

    /// <summary>
    /// Called by the build (host/record.mjs) just before it takes the start-up image: what is still live across the
    /// interop boundary, or null (see <see cref="ImagePreparation"/>).
    /// </summary>
    [JSExport]
    public static string? PrepareImage() => ImagePreparation.Run();

    private static string SafePath(string url) => UrlText.Split(url).Path;

    /// <summary>"status\nname\nvalue\n…": header names and values cannot contain newlines.</summary>
    private static string Head(Response response)
    {
        var head = new StringBuilder().Append(response.Status);
        foreach (var (name, value) in response.Headers)
        {
            head.Append('\n').Append(name).Append('\n').Append(value);
        }

        return head.ToString();
    }
}
