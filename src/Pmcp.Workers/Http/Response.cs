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
