using System.Text;
using System.Text.Json;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// What the handler answers: a status, headers, and either a body or an event stream
/// (SSE, used only when the work sent notifications before its result).
/// </summary>
public sealed class McpHttpResponse
{
    /// <summary>The HTTP status code, such as 200, 202 (a notification), 401 or 413.</summary>
    public int StatusCode { get; init; }

    /// <summary>The response headers in the order the host should send them (content type, CORS, protocol version).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The response body; ignored when <see cref="EventStream"/> is set.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>When set, the body is this stream of SSE bytes, to be flushed chunk by chunk.</summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>>? EventStream { get; init; }

    /// <summary>Looks up a response header, for hosts and tests that need one value.</summary>
    /// <param name="name">The header name, matched case-insensitively.</param>
    /// <returns>The first value under that name, or <see langword="null"/> when there is none.</returns>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The JSON-RPC error code of a refusal answered with one (<see cref="JsonRpcError"/>), for the request log.</summary>
    internal int? ErrorCode { get; init; }

    /// <summary>This response with <paramref name="header"/> added.</summary>
    internal McpHttpResponse With(KeyValuePair<string, string> header) => new()
    {
        StatusCode = StatusCode,
        Headers = [.. Headers, header],
        Body = Body,
        EventStream = EventStream,
        ErrorCode = ErrorCode,
    };

    internal static McpHttpResponse Text(int status, string text, IEnumerable<KeyValuePair<string, string>>? headers = null) => new()
    {
        StatusCode = status,
        Headers = [new("Content-Type", "text/plain; charset=utf-8"), .. headers ?? []],
        Body = Encoding.UTF8.GetBytes(text),
    };

    /// <summary>The headers of a JSON answer without CORS headers (the usual one): one list for all of them.</summary>
    private static readonly KeyValuePair<string, string>[] JsonHeaders = [new("Content-Type", "application/json")];

    internal static McpHttpResponse Json(int status, byte[] json, IEnumerable<KeyValuePair<string, string>> headers) => new()
    {
        StatusCode = status,
        Headers = headers is KeyValuePair<string, string>[] { Length: 0 } ? JsonHeaders : [.. JsonHeaders, .. headers],
        Body = json,
    };

    /// <summary>A refusal of what the client sent as JSON-RPC: the HTTP status, with a JSON-RPC error as the body.</summary>
    internal static McpHttpResponse JsonRpcError(int status, int code, string message, IEnumerable<KeyValuePair<string, string>> headers, JsonElement id = default, JsonElement? data = null) => new()
    {
        StatusCode = status,
        Headers = headers is KeyValuePair<string, string>[] { Length: 0 } ? JsonHeaders : [.. JsonHeaders, .. headers],
        Body = JsonRpcWriter.Error(id, code, message, data),
        ErrorCode = code,
    };
}
