using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Http;

/// <summary>An incoming HTTP request, as a Worker's <c>fetch</c> handler receives it.</summary>
public sealed class Request(string method, Uri url, Headers headers, ReadOnlyMemory<byte> body)
{
    public string Method { get; } = method;

    public Uri Url { get; } = url;

    /// <summary>The URL's path, such as <c>/mcp</c>.</summary>
    public string Path => Url.AbsolutePath;

    public Headers Headers { get; } = headers;

    /// <summary>The body's bytes (empty for GET and HEAD).</summary>
    public ReadOnlyMemory<byte> Body { get; } = body;

    /// <summary>Route parameters (<c>/notes/:id</c>), filled by the <see cref="Routing.Router"/>.</summary>
    public IReadOnlyDictionary<string, string> Params { get; internal set; } = new Dictionary<string, string>();

    /// <summary>Set when the client goes away (or the runtime stops waiting for this request).</summary>
    public CancellationToken Aborted { get; init; }

    public string Text() => Encoding.UTF8.GetString(Body.Span);

    public T? Json<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Body.Span, typeInfo);

    public string? Query(string name)
    {
        var query = Url.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (key == name)
            {
                return Uri.UnescapeDataString(eq < 0 ? "" : pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }
}
