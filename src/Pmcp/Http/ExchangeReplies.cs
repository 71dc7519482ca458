using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// What one admitted HTTP request can be answered with, whichever protocol family handles it: a JSON-RPC refusal,
/// 202 Accepted, or the server's reply as plain JSON or as an event stream. Every answer carries the CORS headers the
/// gate chose, and the answer's form follows the client's <c>Accept</c> header; <see cref="SessionExchange"/> and
/// <see cref="StatelessExchange"/> decide what to answer, this decides how.
/// </summary>
internal sealed class ExchangeReplies(McpServer server, McpHttpRequest request, (bool Json, bool EventStream) accept, KeyValuePair<string, string>[] cors, McpCaller? caller = null) : IMessageSink
{
    /// <summary>
    /// The messages the work sent before its result; made by the first one (most requests send none), and
    /// <see cref="EventQueue.Closed"/> once the answer is plain JSON, so what is sent after it is dropped.
    /// </summary>
    private EventQueue? _events;

    /// <summary>The server that runs the requests.</summary>
    public McpServer Server => server;

    /// <summary>The HTTP request being answered, for the headers a protocol family checks.</summary>
    public McpHttpRequest Request => request;

    /// <summary>The request's structured log lines; null when request logging is off.</summary>
    public RequestLog? Log { get; init; }

    /// <summary>The endpoint's sessions, when it keeps them.</summary>
    public McpSessionStore? Sessions { get; init; }

    /// <summary>The session the message belongs to, once the exchange has found (or, at <c>initialize</c>, made) it.</summary>
    public McpSession? Session { get; set; }

    /// <summary>The work behind the event stream this exchange answered with, if any; it may still be running.</summary>
    public Task? StreamingWork { get; private set; }

    private EventQueue Events => _events ?? Interlocked.CompareExchange(ref _events, new EventQueue(), null) ?? _events!;

    /// <summary>A notification or a request to the client from the work: queued for the event stream.</summary>
    ValueTask IMessageSink.SendAsync(byte[] message)
    {
        Events.Enqueue(message);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs the request. The answer is plain JSON unless the work sends notifications (progress, logs) before it
    /// finishes and the client accepts SSE: then it becomes an event stream that carries them, then the result.
    /// </summary>
    /// <param name="message">The request to run.</param>
    /// <param name="version">The protocol revision it is answered in.</param>
    /// <param name="logLevel">The least severe log message the handler may send; null for none.</param>
    /// <param name="statusFor">The HTTP status of a JSON-RPC error code: the revisions differ (the stateless one
    /// answers an unknown method with 404, the session ones with 200).</param>
    public async ValueTask<McpHttpResponse> ServeAsync(JsonRpcMessage message, string version, LoggingLevel? logLevel, Func<int, int> statusFor)
    {
        var context = NewContext(version, message, logLevel, accept.EventStream ? this : null);
        var pending = HandleAsync(message, context);
        Task<McpReply?>? work = null;
        McpReply? reply;
        if (pending.IsCompletedSuccessfully)
        {
            // The usual call: done before anything had to wait, so no task, and no queue unless it sent something.
            reply = pending.Result;
        }
        else
        {
            work = pending.AsTask();
            if (accept.EventStream && !work.IsCompleted)
            {
                var events = Events;
                var first = await Task.WhenAny(work, events.WaitAsync()).ConfigureAwait(false);
                if (first != work || events.HasItems)
                {
                    return EventStream(work, events);
                }
            }

            reply = await work.ConfigureAwait(false);
        }

        var sent = Interlocked.CompareExchange(ref _events, EventQueue.Closed, null);
        sent?.Complete();
        if (reply is not { } r)
        {
            // Cancelled by the client: nobody is listening for an answer.
            return Accepted();
        }

        var status = r.ErrorCode is { } code ? statusFor(code) : 200;
        if (!accept.Json || sent is { HasItems: true })
        {
            return EventStream(work ?? Task.FromResult(reply), _events!, status);
        }

        return McpHttpResponse.Json(status, r.Json, cors);
    }

    /// <summary>
    /// Runs one message on the server; with request logging on, writes its line when the answer is known (for an event
    /// stream, when the work ends). A batch item's duration is its own; a single message's starts with the HTTP request.
    /// </summary>
    public ValueTask<McpReply?> HandleAsync(JsonRpcMessage message, McpRequestContext context, bool batchItem = false)
    {
        if (Log is not { } log)
        {
            return Server.HandleAsync(message, context);
        }

        log.Running();
        return LoggedAsync(log, message, context, batchItem ? System.Diagnostics.Stopwatch.GetTimestamp() : log.Start);
    }

    private async ValueTask<McpReply?> LoggedAsync(RequestLog log, JsonRpcMessage message, McpRequestContext context, long start)
    {
        McpReply? reply = null;
        try
        {
            reply = await Server.HandleAsync(message, context).ConfigureAwait(false);
            return reply;
        }
        finally
        {
            log.Served(message, context.ProtocolVersion, reply, start);
        }
    }

    /// <summary>The context a handler sees for one message: no <paramref name="send"/> means notifications have nowhere to go.</summary>
    public McpRequestContext NewContext(string version, JsonRpcMessage message, LoggingLevel? logLevel, IMessageSink? send) =>
        new(Server, version, Params.Meta(message.Params), logLevel, request.Services, send, request.Aborted) { RequestId = request.RequestId, Caller = caller, Session = Session, Sessions = Sessions };

    /// <summary>202 with no body: for a notification, a client's response, or a request the client cancelled.</summary>
    public McpHttpResponse Accepted() => new() { StatusCode = 202, Headers = cors };

    /// <summary>The caller the authenticator admitted, if any: a session is bound to its subject.</summary>
    public McpCaller? Caller => caller;

    /// <summary>The CORS headers every answer carries.</summary>
    public KeyValuePair<string, string>[] Cors => cors;

    /// <summary>200 with a body that is already JSON (a batch's replies).</summary>
    public McpHttpResponse Json(byte[] body) => McpHttpResponse.Json(200, body, cors);

    /// <summary>A refusal with a JSON-RPC error body, answering <paramref name="id"/> when the message had one.</summary>
    public McpHttpResponse Refuse(int status, int code, string message, JsonElement id = default, JsonElement? data = null) =>
        McpHttpResponse.JsonRpcError(status, code, message, cors, id, data);

    /// <summary>The error data of a refused protocol version: the versions this server speaks and the one asked for.</summary>
    public static JsonElement SupportedVersionsData(string requested)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Pmcp.Json.JsonWriting.Options))
        {
            w.WriteStartObject();
            w.WriteStartArray("supported");
            foreach (var version in ProtocolVersions.All)
            {
                w.WriteStringValue(version);
            }

            w.WriteEndArray();
            w.WriteString("requested", requested);
            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private McpHttpResponse EventStream(Task<McpReply?> work, EventQueue events, int status = 200)
    {
        StreamingWork = work;
        return new()
        {
            StatusCode = status,
            Headers = [new("Content-Type", "text/event-stream"), new("Cache-Control", "no-cache"), new("X-Accel-Buffering", "no"), .. cors],
            EventStream = ServerSentEvents.StreamAsync(work, events, request.Aborted),
        };
    }
}
