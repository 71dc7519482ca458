using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Http;

namespace Pmcp.Workers.Http;

/// <summary>An incoming HTTP request, as a Worker's <c>fetch</c> handler receives it.</summary>
public sealed class Request : IHttpRequestSource
{
    private readonly (string Scheme, string Authority, string Path, string Query) _url;
    private string? _text;
    private ReadOnlyMemory<byte> _body;

    /// <summary>Reads the body from the host; null once read (or when it was given).</summary>
    private Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? _readBody;

    /// <summary>The host's own request, which reads the body (natively); null once read, or when another way was given.</summary>
    private IRequestBody? _bodySource;

    /// <summary>Creates a request, as a host does for each call or a test does to call a Worker directly.</summary>
    /// <param name="method">The HTTP method, such as <c>GET</c> or <c>POST</c>.</param>
    /// <param name="url">The absolute URL, such as <c>https://example.com/mcp?x=1</c>.</param>
    /// <param name="headers">The request headers.</param>
    /// <param name="body">The body's bytes; empty when there is none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is null.</exception>
    public Request(string method, string url, Headers headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(url);
        Method = method;
        _text = url;
        _url = UrlText.Split(url);
        Headers = headers;
        _body = body;
    }

    /// <summary>
    /// A request as a host makes it: the URL in parts (natively, Kestrel's; the whole URL is made only if asked for),
    /// and the body given, or read on demand by <paramref name="readBody"/> (a host's reader: it throws
    /// <see cref="BodyRefusedException"/> past the Worker's limit), so that nothing reads it before the checks that
    /// need no body have passed.
    /// </summary>
    internal Request(string method, (string Scheme, string Authority, string Path, string Query) url, Headers headers, ReadOnlyMemory<byte> body, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? readBody = null)
    {
        Method = method;
        _url = url;
        Headers = headers;
        _body = body;
        _readBody = readBody;
    }

    /// <summary>A request as the native host makes it: the body read on demand by the host's own request object, no delegate per request.</summary>
    internal Request(string method, (string Scheme, string Authority, string Path, string Query) url, Headers headers, IRequestBody? body)
    {
        Method = method;
        _url = url;
        Headers = headers;
        _bodySource = body;
    }

    /// <summary>A request from a host with the whole URL as text (workerd's).</summary>
    internal Request(string method, string url, Headers headers, ReadOnlyMemory<byte> body, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? readBody)
        : this(method, url, headers, body) => _readBody = readBody;

    /// <summary>The HTTP method, such as <c>GET</c> or <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>The full URL, as the client sent it (<c>new Uri(request.Url)</c> when you need one).</summary>
    public string Url => _text ??= _url.Query.Length == 0
        ? string.Concat(_url.Scheme, "://", _url.Authority, _url.Path)
        : string.Concat(_url.Scheme, "://", _url.Authority, _url.Path + "?", _url.Query);

    /// <summary>The URL's query string without its <c>?</c>; empty when there is none.</summary>
    internal string QueryString => _url.Query;

    /// <summary>The URL's path, such as <c>/mcp</c> (still percent-encoded).</summary>
    public string Path => _url.Path;

    /// <summary>The request headers (names case-insensitive).</summary>
    public Headers Headers { get; }

    /// <summary>
    /// The body's bytes (empty for GET and HEAD), once read. A <see cref="Routing.Router"/> reads it before calling a
    /// route's handler; in your own <see cref="IWorker.FetchAsync"/>, <c>await request.ReadBodyAsync()</c> first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The body has not been read yet.</exception>
    public ReadOnlyMemory<byte> Body => _readBody is null && _bodySource is null
        ? _body
        : throw new InvalidOperationException("The request body has not been read yet: call await request.ReadBodyAsync() first (a Router reads it before calling a route's handler).");

    /// <summary>
    /// Reads the body, as workers-rs's <c>req.bytes().await</c>: the first call reads it from the host, up to the
    /// Worker's limit (<c>PMCP_MAX_BODY_BYTES</c>, 4 MiB by default); later calls return the same bytes. Until it is
    /// called nothing of the body is read, so a request refused on its headers costs no memory.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for the body (the host keeps reading it until the request ends).</param>
    /// <returns>The body's bytes; empty when there is none.</returns>
    /// <exception cref="BodyRefusedException">
    /// The body is over the Worker's limit (413), or the isolate is reading too many other bodies (503). Left
    /// unhandled, the host answers it with that status.
    /// </exception>
    public async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(CancellationToken cancellationToken = default)
    {
        if (_readBody is { } read)
        {
            _body = await read(cancellationToken).ConfigureAwait(false);
            _readBody = null;
        }
        else if (_bodySource is { } source)
        {
            _body = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
            _bodySource = null;
        }

        return _body;
    }

    /// <summary>Whether <see cref="Body"/> can be used without <see cref="ReadBodyAsync"/>.</summary>
    internal bool IsBodyRead => _readBody is null && _bodySource is null;

    string? IHttpRequestSource.Header(string name) => Headers[name];

    ValueTask<ReadOnlyMemory<byte>> IHttpRequestSource.ReadBodyAsync(CancellationToken cancellationToken) => ReadBodyAsync(cancellationToken);

    /// <summary>Route parameters (<c>/notes/:id</c>), filled by the <see cref="Routing.Router"/>.</summary>
    public IReadOnlyDictionary<string, string> Params { get; internal set; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Set when the client goes away (or the runtime stops waiting for this request).</summary>
    public CancellationToken Aborted { get; init; }

    /// <summary>
    /// The id logs give this request: Cloudflare's <c>cf-ray</c> when it came through Cloudflare, else the one the host
    /// gave it (the JS host's request number in workerd, ASP.NET Core's trace identifier natively). Null when made by hand.
    /// </summary>
    public string? Id { get; init; }

    /// <summary>The body, once read (<see cref="Body"/>), decoded as UTF-8 text, as workers-rs's <c>req.text()</c>.</summary>
    /// <returns>The body as a string; empty when there is no body.</returns>
    public string Text() => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Deserializes the body, once read (<see cref="Body"/>), as JSON, with source-generated metadata (trimming and AOT safe), as workers-rs's <c>req.json()</c>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="typeInfo">The metadata of <typeparamref name="T"/> from your <c>JsonSerializerContext</c>.</param>
    /// <returns>The value, or the default of <typeparamref name="T"/> for a JSON <c>null</c>.</returns>
    /// <exception cref="JsonException">The body is not valid JSON for <typeparamref name="T"/>.</exception>
    public T? Json<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Body.Span, typeInfo);

    /// <summary>Reads one query-string parameter of the URL, percent-decoded (<c>+</c> as a space).</summary>
    /// <param name="name">The parameter name, compared exactly (case-sensitive).</param>
    /// <returns>The first value under <paramref name="name"/>, empty for a name without <c>=</c>, or <see langword="null"/> when it is absent.</returns>
    public string? Query(string name)
    {
        foreach (var pair in _url.Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = UrlText.Unescape((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            if (key == name)
            {
                return UrlText.Unescape((eq < 0 ? "" : pair[(eq + 1)..]).Replace('+', ' '));
            }
        }

        return null;
    }
}

/// <summary>A host's reader of a request's body, given to <see cref="Request"/> instead of a delegate.</summary>
internal interface IRequestBody
{
    /// <summary>Reads the whole body, up to the Worker's limit; throws <see cref="BodyRefusedException"/> past it or when the host is busy.</summary>
    ValueTask<ReadOnlyMemory<byte>> ReadAsync(CancellationToken cancellationToken);
}
