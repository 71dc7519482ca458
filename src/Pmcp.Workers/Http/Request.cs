using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Http;

namespace Pmcp.Workers.Http;

/// <summary>An incoming HTTP request, as a Worker's <c>fetch</c> handler receives it.</summary>
public sealed class Request
{
    private readonly (string Scheme, string Authority, string Path, string Query) _url;
    private string? _text;

    public Request(string method, string url, Headers headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(url);
        Method = method;
        _text = url;
        _url = UrlText.Split(url);
        Headers = headers;
        Body = body;
    }

    /// <summary>A request whose URL a host has in parts already (natively, Kestrel's): the whole URL is made only if asked for.</summary>
    internal Request(string method, (string Scheme, string Authority, string Path, string Query) url, Headers headers, ReadOnlyMemory<byte> body)
    {
        Method = method;
        _url = url;
        Headers = headers;
        Body = body;
    }

    public string Method { get; }

    /// <summary>The full URL, as the client sent it (<c>new Uri(request.Url)</c> when you need one).</summary>
    public string Url => _text ??= _url.Query.Length == 0
        ? string.Concat(_url.Scheme, "://", _url.Authority, _url.Path)
        : string.Concat(_url.Scheme, "://", _url.Authority, _url.Path + "?", _url.Query);

    /// <summary>The URL's path, such as <c>/mcp</c> (still percent-encoded).</summary>
    public string Path => _url.Path;

    public Headers Headers { get; }

    /// <summary>The body's bytes (empty for GET and HEAD).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Route parameters (<c>/notes/:id</c>), filled by the <see cref="Routing.Router"/>.</summary>
    public IReadOnlyDictionary<string, string> Params { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Set when the client goes away (or the runtime stops waiting for this request).</summary>
    public CancellationToken Aborted { get; init; }

    public string Text() => Encoding.UTF8.GetString(Body.Span);

    public T? Json<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Body.Span, typeInfo);

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
