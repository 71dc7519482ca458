namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// The request-body bytes the native host reads at once, over all requests, as the JS host bounds them in workerd
/// (host/worker-host.mjs: MAX_BODY_BYTES_IN_FLIGHT): past it a body is refused with 503 and <c>Retry-After</c> instead
/// of being read, so a flood of large bodies cannot take the process's memory. A body larger than the budget is still
/// read when it is the only one.
/// </summary>
internal sealed class BodyBudget(long bytes)
{
    private long _inFlight;

    /// <summary>How many bytes the budget holds: sixteen bodies at the Worker's limit.</summary>
    public static BodyBudget For(int maxBodyBytes) => new(16L * maxBodyBytes);

    /// <summary>Reserves <paramref name="size"/> bytes; false when that would pass the budget while others are read.</summary>
    public bool TryReserve(long size)
    {
        while (true)
        {
            var now = Volatile.Read(ref _inFlight);
            if (now > 0 && now + size > bytes)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, now + size, now) == now)
            {
                return true;
            }
        }
    }

    public void Release(long size) => Interlocked.Add(ref _inFlight, -size);
}
