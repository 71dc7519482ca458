namespace Pmcp.FakeCloudflare;

/// <summary>One deployment of a Worker: which versions serve traffic, in what share.</summary>
/// <param name="TriggeredBy">upload (a first deploy), deployment (<c>POST …/deployments</c>) or secret.</param>
public sealed record WorkerDeployment(
    string Id,
    DateTimeOffset CreatedOn,
    string TriggeredBy,
    string? Message,
    IReadOnlyList<VersionTraffic> Versions);

/// <summary>A version's share of a deployment's traffic, in percent.</summary>
public sealed record VersionTraffic(string VersionId, double Percentage);
