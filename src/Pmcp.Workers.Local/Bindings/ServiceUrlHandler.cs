using System.Collections.Concurrent;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// A service binding natively: each request goes over HTTP (<see cref="SocketsHttpHandler"/>) to the URL where the other
/// Worker is served, with the request's path and query; the request keeps the URI it was given, as in workerd, where
/// the other Worker sees the URL as sent.
/// </summary>
internal sealed class ServiceUrlHandler : DelegatingHandler
{
    private static readonly ConcurrentDictionary<(string Binding, string Url), ServiceUrlHandler> Handlers = new();

    private readonly string _binding;
    private readonly Uri _target;

    private ServiceUrlHandler(string binding, Uri target)
        : base(new SocketsHttpHandler())
    {
        _binding = binding;
        _target = target;
    }

    /// <summary>The environment variable that gives a binding's URL natively.</summary>
    public static string Variable(string binding) => "PMCP_SERVICE_URL_" + binding;

    /// <summary>The handler of a binding and URL, made once for the process (its connections are pooled).</summary>
    /// <exception cref="WorkerException">The URL is not an absolute http(s) URL.</exception>
    public static ServiceUrlHandler For(string binding, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new WorkerException($"Service binding '{binding}': its local URL '{url}' ({Variable(binding)}) is not an absolute http:// or https:// URL.");
        }

        return Handlers.GetOrAdd((binding, target.AbsoluteUri), _ => new ServiceUrlHandler(binding, target));
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var given = request.RequestUri ?? throw new InvalidOperationException($"A request to service binding '{_binding}' has no URI.");
        request.RequestUri = new Uri(_target, given.PathAndQuery);
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{request.Method} {given} through service binding '{_binding}' (served at {_target}) failed: {e.Message}", e, e.StatusCode);
        }
        finally
        {
            request.RequestUri = given;
        }
    }
}
