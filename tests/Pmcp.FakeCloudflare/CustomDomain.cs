namespace Pmcp.FakeCloudflare;

/// <summary>A custom domain (<c>routes = [{ pattern = "api.example.com", custom_domain = true }]</c>) attached to a Worker.</summary>
public sealed record CustomDomain(string Id, string Hostname, string ZoneId, string ZoneName, string Service, string Environment);
