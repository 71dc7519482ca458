namespace Pmcp.FakeCloudflare;

/// <summary>
/// One version of a Worker: what an upload (<c>PUT …/scripts/NAME</c> or <c>POST …/scripts/NAME/versions</c>) stored,
/// or a copy of the previous version made by a secret change, as Cloudflare makes one.
/// </summary>
/// <param name="Id">The version id (a UUID), which wrangler prints as "Current Version ID".</param>
/// <param name="Number">1 for the first version of the Worker, then counting up.</param>
/// <param name="TriggeredBy">Cloudflare's <c>workers/triggered_by</c> annotation: upload, version_upload or secret.</param>
/// <param name="Message">The <c>workers/message</c> annotation (<c>wrangler deploy --message</c>), if any.</param>
/// <param name="Tag">The <c>workers/tag</c> annotation (<c>wrangler deploy --tag</c>), if any.</param>
public sealed record WorkerVersion(
    string Id,
    int Number,
    DateTimeOffset CreatedOn,
    string TriggeredBy,
    string? Message,
    string? Tag,
    IReadOnlyList<UploadedModule> Modules,
    WorkerMetadata Metadata);
