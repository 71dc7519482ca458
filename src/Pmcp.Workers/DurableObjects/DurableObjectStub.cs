namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// Sends requests to one Durable Object (a stub in Workers' terms). Inside workerd the request goes through the
/// namespace binding's stub, in the I/O context of the request whose code is calling; natively it reaches the object in
/// this process. The object sees the URL as given: relative URIs resolve against <see cref="BaseAddress"/>.
/// </summary>
public sealed class DurableObjectStub
{
    private readonly HttpMessageHandler _handler;

    internal DurableObjectStub(string binding, DurableObjectId id, HttpMessageHandler handler)
    {
        Id = id;
        _handler = handler;
        BaseAddress = new Uri($"https://{binding.ToLowerInvariant()}/");
    }

    /// <summary>The object's id.</summary>
    public DurableObjectId Id { get; }

    /// <summary>What relative request URIs are resolved against: <c>https://&lt;binding&gt;/</c>, a placeholder host.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Sends <paramref name="request"/> to the object; a relative URI is resolved against <see cref="BaseAddress"/>.</summary>
    /// <param name="request">The request; its method, headers and body reach the object as they are.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    /// <returns>The object's response.</returns>
    /// <exception cref="HttpRequestException">The call failed (the object threw, or its class is not exported).</exception>
    public Task<HttpResponseMessage> FetchAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.RequestUri = request.RequestUri is null ? BaseAddress
            : request.RequestUri.IsAbsoluteUri ? request.RequestUri
            : new Uri(BaseAddress, request.RequestUri);
        return new HttpMessageInvoker(_handler, disposeHandler: false).SendAsync(request, cancellationToken);
    }

    /// <summary>A GET of <paramref name="uri"/> (relative to <see cref="BaseAddress"/>, or absolute) from the object.</summary>
    /// <param name="uri">The path and query, such as <c>/increment</c>.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    /// <returns>The object's response.</returns>
    public Task<HttpResponseMessage> FetchAsync(string uri, CancellationToken cancellationToken = default) =>
        FetchAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.RelativeOrAbsolute)), cancellationToken);

    /// <summary>An <see cref="HttpClient"/> bound to the object (<see cref="HttpClient.BaseAddress"/> set); disposing it leaves the stub usable.</summary>
    public HttpClient CreateHttpClient() => new(_handler, disposeHandler: false) { BaseAddress = BaseAddress };

    /// <inheritdoc />
    public override string ToString() => $"Durable Object {Id.Hex}";
}
