namespace Pmcp.FakeCloudflare;

/// <summary>
/// One request a Worker served, as Cloudflare's Workers analytics count it (<c>workersInvocationsAdaptive</c>): its
/// outcome (<c>success</c>, <c>scriptThrewException</c>, <c>exceededResources</c>, <c>clientDisconnected</c>…), CPU and
/// wall time in microseconds, and subrequests. Tests record them; the fake's GraphQL endpoint aggregates them.
/// </summary>
public sealed record WorkerInvocation(string ScriptName, DateTimeOffset At, string Status, double CpuTimeUs, double WallTimeUs, int Subrequests = 0)
{
    /// <summary>Cloudflare counts every outcome but success and a client that went away as an error.</summary>
    public bool IsError => Status is not ("success" or "clientDisconnected");
}
