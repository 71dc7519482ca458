using System.Diagnostics;

namespace Pmcp.LoadBench;

/// <summary>What one measured load window saw from the client's side: correct answers, failures and latencies.</summary>
internal sealed record LoadSample(int Requests, int Failures, TimeSpan Elapsed, long[] SortedLatencyTicks, string? FirstFailure)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public double LatencyMs(double percentile)
    {
        if (SortedLatencyTicks.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(percentile / 100 * SortedLatencyTicks.Length) - 1;
        return SortedLatencyTicks[Math.Clamp(index, 0, SortedLatencyTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
