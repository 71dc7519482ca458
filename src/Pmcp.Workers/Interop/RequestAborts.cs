using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Each running request's <see cref="Http.Request.Aborted"/> source, by the host's request id: the JS host reports a
/// client that went away (<c>request.signal</c>, a streamed body's reader cancelled) through
/// <see cref="WorkerExports.Abort"/>, and a handler's token then fires as it does natively. One event loop: no locks.
/// </summary>
[SupportedOSPlatform("browser")]
internal static class RequestAborts
{
    private static readonly Dictionary<int, CancellationTokenSource> Sources = [];

    /// <summary>The token of a request that starts now.</summary>
    public static CancellationToken Start(int requestId)
    {
        var source = new CancellationTokenSource();
        Sources[requestId] = source;
        return source.Token;
    }

    /// <summary>Cancels the request's token; nothing when the request has ended.</summary>
    public static void Abort(int requestId)
    {
        if (!Sources.TryGetValue(requestId, out var source) || source.IsCancellationRequested)
        {
            return;
        }

        try
        {
            source.Cancel();
        }
        catch (AggregateException e)
        {
            Log.Error($"pmcp: a cancellation callback failed: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
        }
    }

    /// <summary>The request has ended: its token is let go.</summary>
    public static void End(int requestId)
    {
        if (Sources.Remove(requestId, out var source))
        {
            source.Dispose();
        }
    }
}
