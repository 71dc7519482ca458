using System.Text;

namespace Pmcp.Http;

/// <summary>
/// What the handler answers: a status, headers, and either a body or an event stream
/// (SSE, used only when the work sent notifications before its result).
/// </summary>
public sealed class McpHttpResponse
{
    public int StatusCode { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>When set, the body is this stream of SSE bytes, to be flushed chunk by chunk.</summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>>? EventStream { get; init; }

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    internal static McpHttpResponse Text(int status, string text, IEnumerable<KeyValuePair<string, string>>? headers = null) => new()
    {
        StatusCode = status,
        Headers = [new("Content-Type", "text/plain; charset=utf-8"), .. headers ?? []],
        Body = Encoding.UTF8.GetBytes(text),
    };

    internal static McpHttpResponse Json(int status, byte[] json, IEnumerable<KeyValuePair<string, string>> headers) => new()
    {
        StatusCode = status,
        Headers = [new("Content-Type", "application/json"), .. headers],
        Body = json,
    };
}
