namespace Pmcp.Http;

/// <summary>
/// An HTTP request as the handler sees it, whatever the host: method, path, a header lookup
/// (case-insensitive names) and the body — given, or read on demand, so that the handler checks path, method, Host,
/// Origin and API key before a byte of it is read. The body must not change or be reused until the response, event
/// stream included, has been sent: the work behind an event stream reads it.
/// </summary>
public sealed class McpHttpRequest
{
    private readonly Func<string, string?>? _header;
    private Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? _readBody;

    /// <summary>A host's request read in place (headers and body), instead of two delegates made per request.</summary>
    private readonly IHttpRequestSource? _source;
    private int _sourceBodyRead;

    /// <summary>A request whose body the host has read already.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path without the query string.</param>
    /// <param name="header">Looks up a header by name (case-insensitive).</param>
    /// <param name="body">The body's bytes; empty when there is none.</param>
    public McpHttpRequest(string method, string path, Func<string, string?> header, ReadOnlyMemory<byte> body)
    {
        Method = method;
        Path = path;
        _header = header;
        Body = body;
    }

    /// <summary>A request whose body is read only when the handler has admitted it (<see cref="ReadBodyAsync"/>).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path without the query string.</param>
    /// <param name="header">Looks up a header by name (case-insensitive).</param>
    /// <param name="readBody">
    /// Reads the whole body, called at most once; throws <see cref="BodyRefusedException"/> when it is over the host's
    /// limit or the host is busy.
    /// </param>
    public McpHttpRequest(string method, string path, Func<string, string?> header, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> readBody)
    {
        ArgumentNullException.ThrowIfNull(readBody);
        Method = method;
        Path = path;
        _header = header;
        _readBody = readBody;
    }

    /// <summary>A request whose headers and body the host's own request gives (read only when the handler has admitted it).</summary>
    internal McpHttpRequest(string method, string path, IHttpRequestSource source)
    {
        Method = method;
        Path = path;
        _source = source;
    }

    /// <summary>The HTTP method, upper case as sent (<c>POST</c>, <c>GET</c>, <c>OPTIONS</c>).</summary>
    public string Method { get; }

    /// <summary>The request path without the query string, compared with <see cref="StreamableHttpOptions.McpPath"/> and <see cref="StreamableHttpOptions.HealthPath"/>.</summary>
    public string Path { get; }

    /// <summary>The request body (UTF-8 JSON-RPC for the MCP endpoint) once read; empty before <see cref="ReadBodyAsync"/> for a body read on demand.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>Cancelled when the client goes away: MCP treats a closed response stream as cancellation.</summary>
    public CancellationToken Aborted { get; init; }

    /// <summary>
    /// The request URL's query string without its <c>?</c>, for an authenticator to refuse credentials sent there
    /// (OAuth 2.1 forbids access tokens in the query); null when the host did not give it or there is none.
    /// </summary>
    public string? Query { get; init; }

    /// <summary>Host services handed to handlers as <c>McpRequestContext.Services</c>.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>The id the host's logs give this HTTP request (<see cref="Server.McpRequestContext.RequestId"/>); null for none.</summary>
    public string? RequestId { get; init; }

    /// <summary>The id the structured request lines carry (<see cref="RequestLog"/>); null: they make one.</summary>
    internal string? LogRequestId { get; init; }

    /// <summary>Looks up a request header.</summary>
    /// <param name="name">The header name, matched case-insensitively.</param>
    /// <returns>The header's value (repeated headers joined with <c>", "</c>), or <see langword="null"/> when the request has none.</returns>
    public string? Header(string name) => _source is { } source ? source.Header(name) : _header!(name);

    /// <summary>The body, read from the host the first time (after the handler's checks), then <see cref="Body"/>.</summary>
    /// <returns>The body's bytes.</returns>
    /// <exception cref="BodyRefusedException">The body is over the host's limit, or the host is too busy to read it now.</exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync()
    {
        if (Interlocked.Exchange(ref _readBody, null) is { } read)
        {
            Body = await read(Aborted).ConfigureAwait(false);
        }
        else if (_source is { } source && Interlocked.Exchange(ref _sourceBodyRead, 1) == 0)
        {
            Body = await source.ReadBodyAsync(Aborted).ConfigureAwait(false);
        }

        return Body;
    }

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

/// <summary>A host's request as the handler reads it: by the request object itself, with no delegate per request.</summary>
internal interface IHttpRequestSource
{
    /// <summary>The header's value (case-insensitive name; several values joined by ", "), or null.</summary>
    string? Header(string name);

    /// <summary>Reads the whole body; called at most once. Throws <see cref="BodyRefusedException"/> as the host's reader does.</summary>
    ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(CancellationToken cancellationToken);
}
