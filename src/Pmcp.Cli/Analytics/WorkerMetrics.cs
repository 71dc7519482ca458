namespace Pmcp.Cli.Analytics;

/// <summary>
/// A Worker's numbers over a time window, as Cloudflare's GraphQL Analytics API (<c>workersInvocationsAdaptive</c>)
/// gives them: counts, and CPU and wall time percentiles in microseconds.
/// </summary>
internal sealed record WorkerMetrics(
    string WorkerName,
    DateTimeOffset Since,
    DateTimeOffset Until,
    long Requests,
    long Errors,
    long Subrequests,
    double? CpuTimeP50Us,
    double? CpuTimeP99Us,
    double? WallTimeP50Us,
    double? WallTimeP99Us,
    IReadOnlyList<KeyValuePair<string, long>> RequestsByStatus)
{
    /// <summary>Errors per request, 0 when there were none.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}
