namespace Pmcp.FakeCloudflare;

/// <summary>A zone (domain) of the fake account, which routes and custom domains can attach to.</summary>
public sealed record FakeZone(string Id, string Name);
