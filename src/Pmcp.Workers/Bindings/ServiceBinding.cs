namespace Pmcp.Workers.Bindings;

/// <summary>
/// A service binding (<c>env.Service("AUTH")</c>): another Worker this one sends requests to, as workers-rs's
/// <c>Fetcher</c>. Inside workerd the request goes through the binding's <c>fetch()</c>, straight to the other Worker
/// (never over the Internet), in the I/O context of the request whose code is calling; natively it goes over HTTP to the
/// URL the binding is given (<c>[workers.services] AUTH = { …, url = "http://127.0.0.1:8788" }</c> in .pmcp/deploy.toml).
/// <code>
/// using var response = await env.Service("AUTH").FetchAsync(new HttpRequestMessage(HttpMethod.Get, "/verify"), ct);
/// var http = env.Service("AUTH").CreateHttpClient();   // BaseAddress https://AUTH/, so relative URIs work
/// var user = await http.GetStringAsync("/users/me", ct);
/// </code>
/// The other Worker sees the URL as given: the host is a placeholder (<see cref="BaseAddress"/>) unless the request
/// names another.
/// </summary>
public sealed class ServiceBinding
{
    private readonly HttpMessageHandler _handler;

    /// <summary>A binding whose requests go through <paramref name="handler"/>; hosts make these, code gets one from <see cref="Env.Service"/>.</summary>
    internal ServiceBinding(string name, HttpMessageHandler handler)
    {
        Name = name;
        _handler = handler;
        BaseAddress = new Uri($"https://{name}/");
    }

    /// <summary>The binding's name in wrangler.toml's <c>[[services]]</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// What relative request URIs are resolved against: <c>https://NAME/</c>, a placeholder host, as wrangler's own
    /// examples use for service bindings.
    /// </summary>
    public Uri BaseAddress { get; }

    /// <summary>Sends <paramref name="request"/> to the bound Worker; a relative URI is resolved against <see cref="BaseAddress"/>.</summary>
    /// <param name="request">The request; its method, headers and body reach the other Worker as they are.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    /// <returns>The other Worker's response; its body streams as it is read.</returns>
    /// <exception cref="HttpRequestException">The call failed (the bound Worker is not running, or not bound in this request's env).</exception>
    /// <exception cref="TaskCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<HttpResponseMessage> FetchAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is null)
        {
            request.RequestUri = BaseAddress;
        }
        else if (!request.RequestUri.IsAbsoluteUri)
        {
            request.RequestUri = new Uri(BaseAddress, request.RequestUri);
        }

        return new HttpMessageInvoker(_handler, disposeHandler: false).SendAsync(request, cancellationToken);
    }

    /// <summary>A GET of <paramref name="uri"/> (relative to <see cref="BaseAddress"/>, or absolute) from the bound Worker.</summary>
    /// <param name="uri">The path and query, such as <c>/users/me</c>, or an absolute URL.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    /// <returns>The other Worker's response.</returns>
    /// <exception cref="HttpRequestException">The call failed.</exception>
    public Task<HttpResponseMessage> FetchAsync(string uri, CancellationToken cancellationToken = default) =>
        FetchAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.RelativeOrAbsolute)), cancellationToken);

    /// <summary>
    /// An <see cref="HttpClient"/> bound to the other Worker, with <see cref="HttpClient.BaseAddress"/> set to
    /// <see cref="BaseAddress"/> so relative URIs work. It may be kept and shared (a static field): inside workerd each
    /// call goes through the binding of the request that makes it. Disposing it leaves the binding usable.
    /// </summary>
    public HttpClient CreateHttpClient() => new(_handler, disposeHandler: false) { BaseAddress = BaseAddress };

    /// <inheritdoc />
    public override string ToString() => $"service binding {Name}";
}
