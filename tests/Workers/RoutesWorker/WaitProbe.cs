using System.Globalization;

namespace RoutesWorker;

/// <summary>
/// Counts the <c>wait</c> tool's calls and how many of their cancellation tokens fired, for the tests that check a
/// client going away cancels the handler (per isolate, per process natively).
/// </summary>
internal static class WaitProbe
{
    private static int _started;
    private static int _cancelled;

    /// <summary>Reports progress (when the call asked for it), then waits until the call's token fires.</summary>
    public static async ValueTask<string> WaitAsync(Pmcp.Server.McpRequestContext context)
    {
        Interlocked.Increment(ref _started);
        using var registration = context.CancellationToken.Register(() => Interlocked.Increment(ref _cancelled));
        await context.ReportProgressAsync(0, 1, "waiting");
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return "never";
    }

    /// <summary>"started cancelled".</summary>
    public static string Counts() =>
        string.Create(CultureInfo.InvariantCulture, $"{Volatile.Read(ref _started)} {Volatile.Read(ref _cancelled)}");
}
