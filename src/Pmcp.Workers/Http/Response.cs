using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Http;

/// <summary>An HTTP response, built the way workers-rs builds one: <c>Response.Ok("OK")</c>, <c>Response.Json(value)</c>.</summary>
public sealed class Response(int status, ReadOnlyMemory<byte> body, Headers? headers = null)
{
    public int Status { get; } = status;

    public Headers Headers { get; } = headers ?? new Headers();

    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>When set, the body is streamed chunk by chunk as it is produced (server-sent events) instead of <see cref="Body"/>.</summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>>? BodyStream { get; init; }

    /// <summary>The handler of a WebSocket response (<see cref="WebSocket"/>); null for any other response.</summary>
    internal Func<System.Net.WebSockets.WebSocket, Task>? WebSocketHandler { get; private init; }

    /// <summary>The subprotocol a WebSocket response accepts, or null.</summary>
    internal string? WebSocketProtocol { get; private init; }

    /// <summary>
    /// Accepts the request's WebSocket and runs <paramref name="handler"/> on it (use it for a request with
    /// <c>Upgrade: websocket</c>; <see cref="Routing.Router.WebSocket"/> checks that for you). Inside workerd the host makes a
    /// WebSocketPair and answers 101 with its client end; natively Kestrel accepts it. The request lasts until the handler
    /// returns; what it left open is then closed with 1000, or with 1011 when it threw (the exception is logged).
    /// <code>
    /// return Response.WebSocket(async socket =&gt;
    /// {
    ///     var buffer = new byte[4096];
    ///     var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
    ///     await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, true, CancellationToken.None);
    /// });
    /// </code>
    /// </summary>
    /// <param name="subProtocol">The subprotocol to accept (one the client offered), or null.</param>
    public static Response WebSocket(Func<System.Net.WebSockets.WebSocket, Task> handler, string? subProtocol = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(101, ReadOnlyMemory<byte>.Empty) { WebSocketHandler = handler, WebSocketProtocol = subProtocol };
    }

    /// <summary>
    /// A streamed response, such as <c>text/event-stream</c>. Chunks are taken at the pace the client reads: once
    /// 1 MB waits for it, the next chunk is asked for only when it catches up, and none after it has gone.
    /// </summary>
    public static Response Stream(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string contentType, int status = 200) =>
        new(status, ReadOnlyMemory<byte>.Empty, new Headers().Set("Content-Type", contentType)) { BodyStream = chunks };

    /// <summary>
    /// A response whose body is read from <paramref name="body"/> chunk by chunk as it is sent, then disposed: an R2
    /// object (<c>Response.Stream(file.Body, contentType)</c>) goes out without being held whole in .NET's memory.
    /// </summary>
    public static Response Stream(Stream body, string contentType, int status = 200)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Stream(Chunks(body), contentType, status);
    }

    /// <summary>200 with a text body.</summary>
    public static Response Ok(string text) => Text(text);

    public static Response Text(string text, int status = 200) =>
        new(status, Encoding.UTF8.GetBytes(text), new Headers().Set("Content-Type", "text/plain; charset=utf-8"));

    public static Response Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = 200) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), new Headers().Set("Content-Type", "application/json"));

    public static Response Bytes(ReadOnlyMemory<byte> body, string contentType, int status = 200) =>
        new(status, body, new Headers().Set("Content-Type", contentType));

    /// <summary>A response without a body, such as 204 or 202.</summary>
    public static Response Empty(int status) => new(status, ReadOnlyMemory<byte>.Empty);

    public static Response Error(string message, int status) => Text(message, status);

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(Stream body)
    {
        await using (body.ConfigureAwait(false))
        {
            // One buffer, reused: each chunk is valid until the next is asked for, and the host copies it out before that.
            var buffer = new byte[64 * 1024];
            int count;
            do
            {
                count = await body.ReadAsync(buffer).ConfigureAwait(false);
                if (count > 0)
                {
                    yield return buffer.AsMemory(0, count);
                }
            }
            while (count > 0);
        }
    }

    public Response WithHeader(string name, string value)
    {
        Headers.Set(name, value);
        return this;
    }
}
