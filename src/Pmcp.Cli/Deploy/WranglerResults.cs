using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Deploy;

/// <summary>Reads what wrangler reported: a deploy's URLs and startup time, and the fix for a failure it explains poorly.</summary>
internal static partial class WranglerResults
{
    /// <summary>
    /// The startup time Cloudflare measured for an upload, which wrangler prints ("Worker Startup Time: 12 ms") and
    /// does not put in its output file; null when it printed none.
    /// </summary>
    public static int? StartupTimeMs(string output) =>
        StartupTime().Matches(output).LastOrDefault() is { } match && int.TryParse(match.Groups["ms"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;

    [GeneratedRegex(@"Worker Startup Time: (?<ms>\d+) ms")]
    private static partial Regex StartupTime();

    /// <summary>
    /// The record of a deploy from wrangler's <c>deploy</c> output event. Its <c>targets</c> are the workers.dev URL
    /// (<c>https://…</c>), route patterns (<c>example.com/*</c>) and custom domains (<c>example.com (custom domain)</c>).
    /// </summary>
    public static DeployOutput Output(JsonElement deployEvent, DeployTarget target, DateTimeOffset deployedAt)
    {
        var targets = deployEvent.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];
        var workersDev = targets.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal) || u.StartsWith("http://", StringComparison.Ordinal));
        var routes = targets.Where(u => u != workersDev).ToList();
        var workerUrl = workersDev?.TrimEnd('/') ?? routes.Select(RouteOrigin).FirstOrDefault(o => o is not null);
        return new DeployOutput
        {
            Environment = target.Environment,
            WorkerName = deployEvent.TryGetProperty("worker_name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : target.WorkerName,
            WorkerUrl = workerUrl,
            McpEndpoint = workerUrl is null ? null : workerUrl + "/mcp",
            Routes = routes,
            VersionId = deployEvent.TryGetProperty("version_id", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null,
            DeployedAt = deployedAt,
        };
    }

    /// <summary>
    /// An origin for a route or custom domain as wrangler lists them (<c>mcp.example.com/* (zone name: example.com)</c>,
    /// <c>mcp.example.com (custom domain)</c>) → <c>https://mcp.example.com</c>. None for a pattern with a wildcard host
    /// (<c>*.example.com/*</c>), which names no one URL.
    /// </summary>
    private static string? RouteOrigin(string route)
    {
        var note = route.IndexOf(" (", StringComparison.Ordinal);
        var host = (note < 0 ? route : route[..note]).Trim();
        var slash = host.IndexOf('/', StringComparison.Ordinal);
        host = slash < 0 ? host : host[..slash];
        return host.Length == 0 || host.Contains('*', StringComparison.Ordinal) ? null : "https://" + host;
    }

    /// <summary>What to do about a failed wrangler command, when its output shows a cause wrangler words for itself.</summary>
    public static string? Hint(string output)
    {
        if (output.Contains("CLOUDFLARE_API_TOKEN", StringComparison.Ordinal) || output.Contains("Authentication error", StringComparison.OrdinalIgnoreCase)
            || output.Contains("Invalid access token", StringComparison.OrdinalIgnoreCase) || output.Contains("You are not authenticated", StringComparison.OrdinalIgnoreCase))
        {
            return "Cloudflare did not accept the credentials. Set CLOUDFLARE_API_TOKEN to an API token with the 'Edit Cloudflare Workers' permissions, " +
                "and CLOUDFLARE_ACCOUNT_ID (or account_id under [cloudflare] in .pmcp/deploy.toml), then run the command again.";
        }

        if (output.Contains("More than one account", StringComparison.OrdinalIgnoreCase))
        {
            return "The token can reach several accounts: set account_id under [cloudflare] in .pmcp/deploy.toml, or CLOUDFLARE_ACCOUNT_ID.";
        }

        if (output.Contains("workers.dev subdomain", StringComparison.OrdinalIgnoreCase) && output.Contains("register", StringComparison.OrdinalIgnoreCase))
        {
            return "The account has no workers.dev subdomain yet: open Workers & Pages in the Cloudflare dashboard once to create it, or set workers_dev = false and use routes.";
        }

        return null;
    }
}
