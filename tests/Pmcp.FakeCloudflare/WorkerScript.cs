using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>
/// Everything the fake recorded about one Worker (one script name): its versions and deployments, secrets,
/// workers.dev state, routes, custom domains and whether it was deleted. Every property returns a snapshot, so a
/// test can read it while wrangler is still talking to the fake.
/// </summary>
public sealed class WorkerScript
{
    private readonly Lock _gate;
    private readonly List<WorkerVersion> _versions = [];
    private readonly List<WorkerDeployment> _deployments = [];
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);
    private List<WorkerRoute> _routes = [];
    private List<CustomDomain> _customDomains = [];
    private List<string> _schedules = [];
    private JsonObject _settings = new();
    private bool _workersDev;
    private bool _previews;
    private bool _deleted;

    internal WorkerScript(string name, Lock gate)
    {
        Name = name;
        _gate = gate;
    }

    public string Name { get; }

    /// <summary>Cloudflare's immutable script tag (32 hex digits), which wrangler writes to its output file.</summary>
    public string Tag { get; } = Guid.NewGuid().ToString("N");

    public DateTimeOffset CreatedOn { get; } = DateTimeOffset.UtcNow;

    public bool Deleted => Read(() => _deleted);

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<WorkerVersion> Versions => Read(() => _versions.ToArray());

    /// <summary>Newest first, as the API lists them.</summary>
    public IReadOnlyList<WorkerDeployment> Deployments => Read(() => _deployments.AsEnumerable().Reverse().ToArray());

    /// <summary>The newest version, deployed or not.</summary>
    public WorkerVersion? LatestVersion => Read(() => _versions.LastOrDefault());

    /// <summary>The modules of the newest upload.</summary>
    public IReadOnlyList<UploadedModule> Modules => LatestVersion?.Modules ?? [];

    /// <summary>The metadata of the newest upload: main module, bindings (vars as plain_text), compatibility settings.</summary>
    public WorkerMetadata? Metadata => LatestVersion?.Metadata;

    /// <summary>Secret name to value. Values are kept only so tests can assert them; the API never returns them.</summary>
    public IReadOnlyDictionary<string, string> Secrets => Read(() => new Dictionary<string, string>(_secrets, StringComparer.Ordinal));

    /// <summary>Whether the Worker is served on NAME.SUBDOMAIN.workers.dev.</summary>
    public bool WorkersDevEnabled => Read(() => _workersDev);

    public bool PreviewsEnabled => Read(() => _previews);

    public IReadOnlyList<WorkerRoute> Routes => Read(() => _routes.ToArray());

    public IReadOnlyList<CustomDomain> CustomDomains => Read(() => _customDomains.ToArray());

    /// <summary>The cron expressions of the Worker's cron triggers.</summary>
    public IReadOnlyList<string> Schedules => Read(() => _schedules.ToArray());

    /// <summary>The non-versioned settings wrangler patched (<c>…/script-settings</c>: logpush, observability, tags…).</summary>
    public JsonObject Settings => Read(() => (JsonObject)_settings.DeepClone());

    public override string ToString() => Deleted ? $"{Name} (deleted)" : Name;

    // The mutators below run under the account lock, taken by the endpoints.

    internal List<WorkerVersion> VersionList => _versions;

    internal List<WorkerDeployment> DeploymentList => _deployments;

    internal Dictionary<string, string> SecretMap => _secrets;

    internal List<WorkerRoute> RouteList { get => _routes; set => _routes = value; }

    internal List<CustomDomain> CustomDomainList { get => _customDomains; set => _customDomains = value; }

    internal List<string> ScheduleList { get => _schedules; set => _schedules = value; }

    internal JsonObject SettingsObject => _settings;

    internal bool WorkersDev { get => _workersDev; set => _workersDev = value; }

    internal bool Previews { get => _previews; set => _previews = value; }

    internal bool IsDeleted { get => _deleted; set => _deleted = value; }

    /// <summary>The version serving the most traffic in the latest deployment.</summary>
    internal WorkerVersion? DeployedVersion =>
        _deployments.LastOrDefault()?.Versions.MaxBy(traffic => traffic.Percentage) is { } traffic
            ? _versions.FirstOrDefault(version => version.Id == traffic.VersionId)
            : null;

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }
}
