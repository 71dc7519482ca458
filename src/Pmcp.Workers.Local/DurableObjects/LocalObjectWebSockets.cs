using System.Net.WebSockets;
using System.Text;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.DurableObjects;

/// <summary>
/// One object's hibernatable WebSockets on this machine: the host keeps each accepted socket (and its tags and
/// attachment) in memory for the life of the connection, reads its messages, and hands each to the object as one event
/// through <paramref name="runEvent"/> (one event at a time per object, as every other event). Nothing is evicted, so
/// nothing hibernates: the API and the order of events are workerd's.
/// </summary>
/// <param name="objectKey">The object's key, for log lines.</param>
/// <param name="runEvent">Runs a handler of the object as one of its events.</param>
internal sealed class LocalObjectWebSockets(string objectKey, Func<Func<DurableObject, Task>, Task> runEvent) : IDurableObjectWebSocketBackend
{
    /// <summary>The largest message a client may send (workerd's limit): a larger one closes the socket with 1009.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Socket> _sockets = [];
    private int _nextHandle;
    private (string Request, string Response)? _autoResponse;

    public Task<(int Socket, Response Response)> AcceptAsync(Request request, string[] tags)
    {
        Socket socket;
        lock (_gate)
        {
            socket = new Socket(++_nextHandle, tags);
            _sockets[socket.Handle] = socket;
        }

        // Kestrel accepts the connection once the Worker returns this answer (NativeWebSocketResponses); sends made
        // before then wait for it, in order.
        return Task.FromResult((socket.Handle, Response.WebSocket(connection => ServeAsync(socket, connection))));
    }

    public int[] GetWebSockets(string? tag)
    {
        lock (_gate)
        {
            return [.. _sockets.Values.Where(s => !s.Closing && (tag is null || s.Tags.Contains(tag, StringComparer.Ordinal))).Select(s => s.Handle).Order()];
        }
    }

    public string[] GetTags(int socket) => Find(socket).Tags;

    public Task SendAsync(int socket, bool text, ReadOnlyMemory<byte> bytes)
    {
        var target = Find(socket);
        if (target.Closing)
        {
            throw new WorkerException($"WebSocket {socket} is closed: it cannot be sent to.");
        }

        return target.Enqueue(connection => connection.SendAsync(bytes, text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask());
    }

    public Task CloseAsync(int socket, int code, string reason)
    {
        var target = Find(socket);
        return target.Enqueue(async connection =>
        {
            if (connection.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await connection.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None).ConfigureAwait(false);
            }
        });
    }

    public string? GetAttachment(int socket) => Find(socket).Attachment;

    public void SetAttachment(int socket, string? json) => Find(socket).Attachment = json;

    public void SetAutoResponse(string? request, string? response)
    {
        lock (_gate)
        {
            _autoResponse = request is null ? null : (request, response!);
        }
    }

    private Socket Find(int handle)
    {
        lock (_gate)
        {
            return _sockets.TryGetValue(handle, out var socket) ? socket : throw new WorkerException($"No open WebSocket {handle} in this Durable Object (it has closed).");
        }
    }

    /// <summary>Reads the socket's messages until it closes, each an event of the object, then the close as one more.</summary>
    private async Task ServeAsync(Socket socket, WebSocket connection)
    {
        socket.Connected.TrySetResult(connection);
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        var (code, reason, wasClean) = (1006, "", false);
        try
        {
            while (true)
            {
                var result = await connection.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    (code, reason, wasClean) = ((int?)connection.CloseStatus ?? 1005, connection.CloseStatusDescription ?? "", true);
                    break;
                }

                if (message.Length + result.Count > MaxMessageBytes)
                {
                    // As workerd does: the socket is closed with 1009 and the object hears of it as an error.
                    await socket.Enqueue(c => c.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big", CancellationToken.None)).ConfigureAwait(false);
                    (code, reason, wasClean) = (1009, "message too big", false);
                    await DeliverAsync(socket, target => target.WebSocketErrorAsync(new DurableObjectWebSocket(socket.Handle, this), $"a message was larger than {MaxMessageBytes} bytes: the WebSocket was closed with 1009")).ConfigureAwait(false);
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = message.ToArray();
                message.SetLength(0);
                var isText = result.MessageType == WebSocketMessageType.Text;
                if (isText && AutoAnswer(bytes) is { } answer)
                {
                    await socket.Enqueue(c => c.SendAsync(Encoding.UTF8.GetBytes(answer), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)).ConfigureAwait(false);
                    continue;
                }

                await DeliverAsync(socket, target => target.WebSocketMessageAsync(new DurableObjectWebSocket(socket.Handle, this), new WebSocketMessage(isText, bytes))).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The connection was lost: the close below says so (1006, not clean).
        }

        socket.Closing = true;
        if (code != 1009)
        {
            await DeliverAsync(socket, target => target.WebSocketCloseAsync(new DurableObjectWebSocket(socket.Handle, this), code, reason, wasClean)).ConfigureAwait(false);
        }

        // The runtime answers the client's close (workerd does with web_socket_auto_reply_to_close): queued after what the handler sent.
        await socket.Enqueue(async c =>
        {
            if (c.State == WebSocketState.CloseReceived)
            {
                await c.CloseOutputAsync((WebSocketCloseStatus)(code is 1005 or 1006 ? 1000 : code), reason, CancellationToken.None).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        lock (_gate)
        {
            _sockets.Remove(socket.Handle);
        }
    }

    private string? AutoAnswer(byte[] bytes)
    {
        lock (_gate)
        {
            return _autoResponse is { } pair && pair.Request == Encoding.UTF8.GetString(bytes) ? pair.Response : null;
        }
    }

    /// <summary>Runs a handler as an event; its failure is logged and the socket lives on, as inside workerd.</summary>
    private async Task DeliverAsync(Socket socket, Func<DurableObject, Task> handler)
    {
        try
        {
            await runEvent(handler).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Error($"Unhandled {e.GetType().Name} in a WebSocket handler of the Durable Object {objectKey} (socket {socket.Handle}): {e.Message}");
        }
    }

    /// <summary>One accepted socket: its connection once Kestrel has accepted it, and its sends, in order.</summary>
    private sealed class Socket(int handle, string[] tags)
    {
        private readonly Lock _sends = new();
        private Task _tail = Task.CompletedTask;

        public int Handle { get; } = handle;

        public string[] Tags { get; } = tags;

        public volatile string? Attachment;

        /// <summary>Set once the client's close arrived (or the connection was lost): no longer among the object's sockets.</summary>
        public volatile bool Closing;

        public TaskCompletionSource<WebSocket> Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>
        /// Runs <paramref name="send"/> after the sends before it, once the socket is connected. Before then the send only
        /// queues (the object may send while answering the upgrade), so the task returned is already complete.
        /// </summary>
        public Task Enqueue(Func<WebSocket, Task> send)
        {
            Task task;
            lock (_sends)
            {
                var previous = _tail;
                task = RunAfterAsync(previous, send);
                _tail = task;
            }

            if (!Connected.Task.IsCompleted)
            {
                task.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                return Task.CompletedTask;
            }

            return task;
        }

        private async Task RunAfterAsync(Task previous, Func<WebSocket, Task> send)
        {
            try
            {
                await previous.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The send before this one failed; its caller heard of it.
            }

            var connection = await Connected.Task.ConfigureAwait(false);
            try
            {
                await send(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                throw new WorkerException($"WebSocket {Handle} is closed: {e.Message}", e);
            }
        }
    }
}
