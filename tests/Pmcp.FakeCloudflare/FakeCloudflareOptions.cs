namespace Pmcp.FakeCloudflare;

/// <summary>The account the fake serves. The defaults suit most tests.</summary>
public sealed class FakeCloudflareOptions
{
    /// <summary>32 hex digits, like a real account id (wrangler only accepts <c>[a-zA-Z0-9]+</c> in its account paths).</summary>
    public string AccountId { get; set; } = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    public string AccountName { get; set; } = "Pmcp Test Account";

    public string Email { get; set; } = "pmcp-test@example.com";

    /// <summary>The token requests must carry as <c>Authorization: Bearer …</c>. A fresh random one by default.</summary>
    public string ApiToken { get; set; } = "pmcp-fake-" + Guid.NewGuid().ToString("N");

    /// <summary>The account's workers.dev subdomain; null for an account that never registered one.</summary>
    public string? WorkersDevSubdomain { get; set; } = "pmcp-test";

    /// <summary>
    /// The startup time Cloudflare reports for every upload (<c>startup_time_ms</c>: the CPU time of the Worker's global
    /// scope), which wrangler prints as "Worker Startup Time".
    /// </summary>
    public int StartupTimeMs { get; set; } = 1;

    /// <summary>
    /// Whether the token has the Account Analytics: Read permission: without it, the GraphQL Analytics API answers
    /// Cloudflare's "not authorized for that account".
    /// </summary>
    public bool AnalyticsReadable { get; set; } = true;

    /// <summary>The zones (domains) of the account, for routes and custom domains.</summary>
    public IList<string> Zones { get; } = ["example.com"];

    /// <summary>
    /// The account's R2 buckets. wrangler deploy checks that each <c>r2_buckets</c> binding's bucket exists and, in a
    /// non-interactive run, creates the missing ones (which the fake then records here too).
    /// </summary>
    public IList<string> R2Buckets { get; } = [];
}
