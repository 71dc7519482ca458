namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// Sends requests to one Durable Object (a stub in Workers' terms). Inside workerd the request goes through the
/// namespace binding's stub, in the I/O context of the request whose code is calling; natively it reaches the object in
/// this process. The object sees the URL as given: relative URIs resolve against <see cref="BaseAddress"/>.
/// </summary>
public sealed class DurableObjectStub
{
    private readonly HttpMessageHandler _handler;
    private readonly IDurableObjectForwarder? _forwarder;

    internal DurableObjectStub(string binding, DurableObjectId id, HttpMessageHandler handler, IDurableObjectForwarder? forwarder = null)
    {
        Id = id;
        _handler = handler;
        _forwarder = forwarder;
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

    /// <summary>
    /// Sends the Worker's own <paramref name="request"/> to the object and gives back the object's answer to return as the
    /// Worker's: what a WebSocket upgrade for the object needs (the object accepts it with
    /// <see cref="DurableObjectState.AcceptWebSocketAsync"/>, and the client's socket reaches it through this answer).
    /// <code>
    /// .Get("/rooms/:name", (request, route) =&gt; route.Env.DurableObject("ROOMS").GetByName(route.Param("name")).ForwardAsync(request))
    /// </code>
    /// </summary>
    /// <param name="request">The request as the Worker received it; its URL, method, headers and body reach the object.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    /// <returns>The object's response (a 101 with the client's WebSocket for an upgrade it accepted).</returns>
    public async Task<Http.Response> ForwardAsync(Http.Request request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_forwarder?.TryForward(Id, request, cancellationToken) is { } forwarded)
        {
            return await forwarded.ConfigureAwait(false);
        }

        return await SendAsResponseAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A request that is not an upgrade, sent through <see cref="FetchAsync(HttpRequestMessage, CancellationToken)"/>; the answer read whole.</summary>
    internal async Task<Http.Response> SendAsResponseAsync(Http.Request request, CancellationToken cancellationToken)
    {
        var body = await request.ReadBodyAsync(cancellationToken).ConfigureAwait(false);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Url, UriKind.RelativeOrAbsolute));
        if (request.Method is not ("GET" or "HEAD"))
        {
            message.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase) || name.Equals("content-length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("connection", StringComparison.OrdinalIgnoreCase))
            {
                continue; // the framing of the Worker's own request; the content sets its own length
            }

            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await FetchAsync(message, cancellationToken).ConfigureAwait(false);
        var headers = new Http.Headers();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers.Append(name, string.Join(", ", values));
        }

        return new Http.Response((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), headers);
    }

    /// <summary>An <see cref="HttpClient"/> bound to the object (<see cref="HttpClient.BaseAddress"/> set); disposing it leaves the stub usable.</summary>
    public HttpClient CreateHttpClient() => new(_handler, disposeHandler: false) { BaseAddress = BaseAddress };

    /// <inheritdoc />
    public override string ToString() => $"Durable Object {Id.Hex}";
}
