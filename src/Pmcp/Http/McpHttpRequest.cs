namespace Pmcp.Http;

/// <summary>
/// An HTTP request as the handler sees it, whatever the host: method, path, a header lookup
/// (case-insensitive names) and the body, read by the host up to <see cref="StreamableHttpOptions.MaxRequestBodyBytes"/>.
/// The body must not change or be reused until the response, event stream included, has been sent: the work behind
/// an event stream reads it.
/// </summary>
public sealed class McpHttpRequest(string method, string path, Func<string, string?> header, ReadOnlyMemory<byte> body)
{
    /// <summary>The HTTP method, upper case as sent (<c>POST</c>, <c>GET</c>, <c>OPTIONS</c>).</summary>
    public string Method { get; } = method;

    /// <summary>The request path without the query string, compared with <see cref="StreamableHttpOptions.McpPath"/> and <see cref="StreamableHttpOptions.HealthPath"/>.</summary>
    public string Path { get; } = path;

    /// <summary>The request body as read by the host (UTF-8 JSON-RPC for the MCP endpoint); empty when there was none or it was too large.</summary>
    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>Set by the host when the body was longer than the limit (and so was not read whole).</summary>
    public bool BodyTooLarge { get; init; }

    /// <summary>Cancelled when the client goes away: MCP treats a closed response stream as cancellation.</summary>
    public CancellationToken Aborted { get; init; }

    /// <summary>Host services handed to handlers as <c>McpRequestContext.Services</c>.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>The id the host's logs give this HTTP request (<see cref="Server.McpRequestContext.RequestId"/>); null for none.</summary>
    public string? RequestId { get; init; }

    /// <summary>Looks up a request header.</summary>
    /// <param name="name">The header name, matched case-insensitively.</param>
    /// <returns>The header's value (repeated headers joined with <c>", "</c>), or <see langword="null"/> when the request has none.</returns>
    public string? Header(string name) => header(name);

    /// <summary>Builds a request from a header list, for hosts and tests that have one.</summary>
    public static McpHttpRequest From(string method, string path, IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            map[name] = map.TryGetValue(name, out var existing) ? $"{existing}, {value}" : value;
        }

        return new McpHttpRequest(method, path, name => map.GetValueOrDefault(name), body);
    }
}
