using Pmcp.Workers.Interop;

namespace Pmcp.Workers.Http;

/// <summary>
/// An <see cref="HttpMessageHandler"/> for outbound HTTP from a Worker. Inside workerd it sends through the platform's
/// <c>fetch()</c>, in the I/O context of the request whose code is calling (whichever request made the client), streams
/// request bodies given as streams and response bodies as they are read, and aborts the fetch when the request is
/// cancelled or times out. Natively it sends through .NET's <see cref="SocketsHttpHandler"/>.
/// <c>new HttpClient()</c> also works inside workerd (the host routes .NET's own handler the same way); this handler
/// adds streamed uploads and the same redirect setting in both hosts.
/// </summary>
public sealed class WorkersHttpHandler : HttpMessageHandler
{
    private HttpMessageInvoker? _native;

    /// <summary>
    /// Whether redirects are followed (the default). When false the 3xx response itself is returned, with its
    /// <c>Location</c> header (fetch's <c>redirect: "manual"</c>).
    /// </summary>
    public bool AllowAutoRedirect { get; set; } = true;

    /// <summary>
    /// Inside workerd, the service binding (<see cref="Bindings.ServiceBinding"/>) this handler sends through instead of
    /// the Internet; null for the Internet.
    /// </summary>
    internal string? Service { get; init; }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (OperatingSystem.IsBrowser())
        {
            return JsFetchSender.SendAsync(request, AllowAutoRedirect, Service, cancellationToken);
        }

        return Native().SendAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _native?.Dispose();
        }

        base.Dispose(disposing);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("browser")]
    private HttpMessageInvoker Native()
    {
        if (_native is { } native)
        {
            return native;
        }

        var created = new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = AllowAutoRedirect }, disposeHandler: true);
        if (Interlocked.CompareExchange(ref _native, created, null) is { } other)
        {
            created.Dispose();
            return other;
        }

        return created;
    }
}
