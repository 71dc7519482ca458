namespace Pmcp.FakeCloudflare;

/// <summary>A route (<c>example.com/api/*</c>) that sends a zone's matching requests to a Worker.</summary>
public sealed record WorkerRoute(string Id, string Pattern, string ZoneId, string ZoneName, string Script);
