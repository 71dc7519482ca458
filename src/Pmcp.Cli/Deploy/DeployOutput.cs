namespace Pmcp.Cli.Deploy;

/// <summary>
/// What one <c>dotnet pmcp deploy</c> made, as wrangler reported it: the chapter's <c>WorkerUrl</c> and
/// <c>McpEndpoint</c>, plus the Worker's name, its routes and custom domains, and the version deployed.
/// </summary>
internal sealed record DeployOutput
{
    /// <summary>The <c>[env.NAME]</c> deployed; null for the top-level Worker.</summary>
    public string? Environment { get; init; }

    public required string WorkerName { get; init; }

    /// <summary>The workers.dev URL, or else the first route's or custom domain's origin; null if the Worker has none.</summary>
    public string? WorkerUrl { get; init; }

    public string? McpEndpoint { get; init; }

    /// <summary>Route patterns and custom domains, as wrangler listed them.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];

    public string? VersionId { get; init; }

    /// <summary>The startup time Cloudflare measured for the upload (wrangler's "Worker Startup Time"), if it reported one.</summary>
    public int? StartupTimeMs { get; init; }

    public DateTimeOffset DeployedAt { get; init; }
}
