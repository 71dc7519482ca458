using System.Diagnostics;

namespace Pmcp.LoadBench;

/// <summary>What one measured load window saw from the client's side: correct answers, failures and latencies.</summary>
internal sealed record LoadSample(int Requests, int Failures, TimeSpan Elapsed, long[] SortedLatencyTicks, string? FirstFailure)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>Latency percentiles (ms) measured by an outside client (wrk) that gives no individual latencies.</summary>
    public IReadOnlyDictionary<double, double>? Percentiles { get; init; }

    public double LatencyMs(double percentile)
    {
        if (Percentiles is not null)
        {
            return Percentiles.TryGetValue(percentile, out var ms) ? ms : double.NaN;
        }

        if (SortedLatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(percentile / 100 * SortedLatencyTicks.Length) - 1;
        return SortedLatencyTicks[Math.Clamp(index, 0, SortedLatencyTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
