namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>.pmcp/deploy.toml</c>, the source of truth of a deployment: <c>[target]</c>, <c>[server]</c>, <c>[cloudflare]</c>,
/// <c>[workers]</c> (name, compatibility date, entry, vars, bindings, routes, workers_dev) and <c>[env.NAME]</c>
/// environments. wrangler.toml's derived parts are generated from it (<see cref="WranglerTomlWriter"/>).
/// </summary>
internal sealed record DeployConfig
{
    public const string CloudflareWorkers = "cloudflare-workers";

    public const string DefaultMain = "build/worker/shim.mjs";

    public required string ServerName { get; init; }

    /// <summary>Empty: wrangler picks the account (its login or CLOUDFLARE_ACCOUNT_ID).</summary>
    public string AccountId { get; init; } = "";

    /// <summary>The zone of routes that name none; empty: wrangler finds it from the pattern.</summary>
    public string ZoneId { get; init; } = "";

    public required string WorkerName { get; init; }

    public required string CompatibilityDate { get; init; }

    public string Main { get; init; } = DefaultMain;

    /// <summary>Null: on when there are no routes, as wrangler does.</summary>
    public bool? WorkersDev { get; init; }

    public IReadOnlyList<KeyValuePair<string, object>> Vars { get; init; } = [];

    /// <summary><c>[auth]</c>: how callers are authenticated; null when deploy.toml has none (the Worker then reads <c>MCP_API_KEY</c> as before).</summary>
    public DeployAuth? Auth { get; init; }

    /// <summary><c>[logging]</c>: the Worker's structured request lines; null when deploy.toml has none (the Worker then writes none).</summary>
    public DeployLogging? Logging { get; init; }

    /// <summary><c>[mcp]</c>: how the MCP endpoint serves (sessions); null when deploy.toml has none (stateless).</summary>
    public DeployMcp? Mcp { get; init; }

    /// <summary>The vars of <c>[workers.vars]</c> and those <c>[auth]</c>, <c>[logging]</c> and <c>[mcp]</c> set.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> AllVars => [.. Vars, .. Auth?.Vars() ?? [], .. Logging?.Vars() ?? [], .. Mcp?.Vars() ?? []];

    public IReadOnlyList<DeployBinding> Bindings { get; init; } = [];

    public IReadOnlyList<DeployRoute> Routes { get; init; } = [];

    public IReadOnlyList<DeployEnvironment> Environments { get; init; } = [];

    /// <summary>
    /// <c>[build] snapshot</c>: the start-up image (docs/workers-snapshot.md): "on" (true), "off" (false) or "auto"
    /// (the default: on when the bundle with it fits Cloudflare's 64 MiB).
    /// </summary>
    public string Snapshot { get; init; } = "auto";

    /// <summary>
    /// <c>[build] plan</c> ("free" or "paid"), null when not set. Accepted and ignored: it chose the compressed size
    /// limit "auto" kept to, and since September 2026 every plan allows 64 MiB uncompressed.
    /// </summary>
    public string? Plan { get; init; }

    /// <summary>
    /// <c>[workers.limits] cpu_ms</c>: the most CPU time a request may use, 1 to 300,000 ms (Paid plan; Cloudflare's
    /// default is 30 s). Null: Cloudflare's default. Written to wrangler.toml as <c>[limits] cpu_ms</c>.
    /// </summary>
    public int? CpuMs { get; init; }

    /// <summary>The largest <c>cpu_ms</c> Cloudflare accepts: 5 minutes.</summary>
    public const int MaxCpuMs = 300_000;

    /// <summary>
    /// <c>[workers.limits] subrequests</c>: how many subrequests (fetches, service-binding calls) one request may make.
    /// Null: the plan's default (50 on Free, 10,000 on Paid). Written to wrangler.toml as <c>[limits] subrequests</c>.
    /// </summary>
    public int? Subrequests { get; init; }

    /// <summary>
    /// <c>[workers.observability]</c>: Workers Logs for the deployed Worker. Null: not decided by deploy.toml (a
    /// hand-written <c>[observability]</c> in wrangler.toml is then moved here by <see cref="DeployProject.SyncWrangler"/>).
    /// </summary>
    public DeployObservability? Observability { get; init; }

    /// <summary>What a fresh <c>deploy init</c> writes: the chapter's layout, staging and production environments.</summary>
    public static DeployConfig Default(string workerName, string compatibilityDate) => new()
    {
        ServerName = workerName,
        WorkerName = workerName,
        CompatibilityDate = compatibilityDate,
        WorkersDev = true,
        Vars = [new("ENVIRONMENT", "development")],
        Observability = DeployObservability.Default,
        Logging = new DeployLogging { Requests = "all" },
        Environments =
        [
            new("staging") { Name = workerName + "-staging", Vars = [new("ENVIRONMENT", "staging")] },
            new("production") { Name = workerName + "-prod", Vars = [new("ENVIRONMENT", "production")], Logging = new DeployLogging { Requests = "errors" } },
        ],
    };
}

/// <summary>
/// An <c>[env.NAME]</c> section, deployed with <c>--env NAME</c>. wrangler does not pass vars and bindings on to
/// environments, so Pmcp does: an environment gets <c>[workers]</c>' vars and bindings, its own replacing those of the
/// same name, and only its own routes.
/// </summary>
internal sealed record DeployEnvironment(string Key)
{
    /// <summary>Null: <c>&lt;workers.name&gt;-&lt;Key&gt;</c>.</summary>
    public string? Name { get; init; }

    public bool? WorkersDev { get; init; }

    public IReadOnlyList<KeyValuePair<string, object>> Vars { get; init; } = [];

    /// <summary><c>[env.NAME.auth]</c>: its keys replace those of <c>[auth]</c>; null when it has none.</summary>
    public DeployAuth? Auth { get; init; }

    public IReadOnlyList<DeployBinding> Bindings { get; init; } = [];

    public IReadOnlyList<DeployRoute> Routes { get; init; } = [];

    /// <summary><c>[env.NAME.logging]</c>: its keys replace those of <c>[logging]</c>; null when it has none.</summary>
    public DeployLogging? Logging { get; init; }

    /// <summary>This environment's <c>[auth]</c>: its own keys over those of the top-level table.</summary>
    public DeployAuth? EffectiveAuth(DeployConfig config) => Auth?.Over(config.Auth) ?? config.Auth;

    /// <summary>The environment's vars over those of <c>[workers]</c>, with the vars of its effective <c>[auth]</c> and <c>[logging]</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> AllVars(DeployConfig config)
    {
        var auth = EffectiveAuth(config);
        var logging = Logging?.Over(config.Logging) ?? config.Logging;
        IReadOnlyList<KeyValuePair<string, object>> own = [.. Vars, .. auth?.Vars() ?? [], .. logging?.Vars() ?? [], .. config.Mcp?.Vars() ?? []];
        var ownKeys = own.Select(v => v.Key).ToHashSet(StringComparer.Ordinal);
        return [.. config.Vars.Where(v => !ownKeys.Contains(v.Key)), .. own];
    }
}
