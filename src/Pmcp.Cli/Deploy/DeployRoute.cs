namespace Pmcp.Cli.Deploy;

/// <summary>
/// A route to the Worker: a pattern on a zone of the account (<c>mcp.example.com/*</c>) or, with
/// <see cref="CustomDomain"/>, a whole host name that Cloudflare points at the Worker (<c>mcp.example.com</c>).
/// </summary>
internal sealed record DeployRoute(string Pattern, string? ZoneId = null, string? ZoneName = null, bool CustomDomain = false);
