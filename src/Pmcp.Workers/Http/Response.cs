using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Http;

/// <summary>An HTTP response, built the way workers-rs builds one: <c>Response.Ok("OK")</c>, <c>Response.Json(value)</c>.</summary>
public sealed class Response(int status, ReadOnlyMemory<byte> body, Headers? headers = null)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>The response headers; add more with <see cref="WithHeader"/>.</summary>
    public Headers Headers { get; } = headers ?? new Headers();

    /// <summary>The body's bytes; ignored when <see cref="BodyStream"/> is set.</summary>
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
    /// <param name="handler">Talks to the client over the accepted socket; the request ends when it returns.</param>
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

    /// <summary>A <c>text/plain; charset=utf-8</c> response.</summary>
    /// <param name="text">The body, encoded as UTF-8.</param>
    /// <param name="status">The status code; 200 by default.</param>
    public static Response Text(string text, int status = 200) =>
        new(status, Encoding.UTF8.GetBytes(text), new Headers().Set("Content-Type", "text/plain; charset=utf-8"));

    /// <summary>An <c>application/json</c> response, serialized with source-generated metadata (trimming and AOT safe).</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value to serialize.</param>
    /// <param name="typeInfo">The metadata of <typeparamref name="T"/> from your <c>JsonSerializerContext</c>.</param>
    /// <param name="status">The status code; 200 by default.</param>
    public static Response Json<T>(T value, JsonTypeInfo<T> typeInfo, int status = 200) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), new Headers().Set("Content-Type", "application/json"));

    /// <summary>A response with a binary body held in memory; for a large body use <see cref="Stream(System.IO.Stream, string, int)"/>.</summary>
    /// <param name="body">The body's bytes, sent as they are.</param>
    /// <param name="contentType">The <c>Content-Type</c>, such as <c>image/png</c>.</param>
    /// <param name="status">The status code; 200 by default.</param>
    public static Response Bytes(ReadOnlyMemory<byte> body, string contentType, int status = 200) =>
        new(status, body, new Headers().Set("Content-Type", contentType));

    /// <summary>A response without a body, such as 204 or 202.</summary>
    public static Response Empty(int status) => new(status, ReadOnlyMemory<byte>.Empty);

    /// <summary>An error response with a plain-text message, as workers-rs's <c>Response::error</c>.</summary>
    /// <param name="message">The text of the body; it reaches the client, so keep internals out of it.</param>
    /// <param name="status">The status code, such as 400 or 500.</param>
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

    /// <summary>Sets a header, replacing any value it had.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value; it may not contain CR, LF or NUL.</param>
    /// <returns>This response, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is not a header name, or the value holds CR, LF or NUL.</exception>
    public Response WithHeader(string name, string value)
    {
        Headers.Set(name, value);
        return this;
    }
}
