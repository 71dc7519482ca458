using System.Collections.Concurrent;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Sockets;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// The native host's environment, read from the project as <c>wrangler dev</c> reads it:
/// <list type="bullet">
/// <item><c>.pmcp/workers/wrangler.toml</c>: <c>[vars]</c> and the KV, D1, R2 and Hyperdrive bindings (none when the file is missing);</item>
/// <item><c>.pmcp/workers/.dev.vars</c>: secrets, which win over a var of the same name;</item>
/// <item>the process environment only where wrangler reads it too:
/// <c>CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_&lt;BINDING&gt;</c>, and <c>PMCP_SERVICE_URL_&lt;BINDING&gt;</c>, where a
/// service binding's requests go (<c>dotnet pmcp dev --native</c> sets it from deploy.toml's <c>url</c>). Other names are
/// not looked up there, so code that runs here finds exactly the vars and secrets it will find on Workers.</item>
/// </list>
/// Storage lives under <c>&lt;project&gt;/.pmcp/state/</c> (kv/, d1/, r2/, do/), kept across restarts.
/// </summary>
public sealed class LocalEnvSource : IEnvSource, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IDisposable>> _stores = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _secrets;
    private readonly Func<string, string?> _environment;
    private readonly Lazy<Workers.Local.DurableObjects.LocalDurableObjects> _objects;
    private bool _disposed;

    /// <summary>
    /// An environment from configuration already read; <see cref="Load"/> reads it from a project. It also registers
    /// the native Ed25519 implementation, so <see cref="Pmcp.Workers.Crypto.SubtleCrypto"/> signs Ed25519 as
    /// workerd does.
    /// </summary>
    /// <param name="config">The vars and bindings (from wrangler.toml).</param>
    /// <param name="secrets">The secrets (from .dev.vars); they win over a var of the same name.</param>
    /// <param name="stateDirectory">The folder for the bindings' storage (kv/, d1/, r2/); created on first use.</param>
    /// <param name="environment">Reads wrangler's environment variables; the process's by default.</param>
    /// <exception cref="ArgumentNullException">
    /// <paramref name="config"/>, <paramref name="secrets"/> or <paramref name="stateDirectory"/> is null.
    /// </exception>
    public LocalEnvSource(WranglerConfig config, IReadOnlyDictionary<string, string> secrets, string stateDirectory, Func<string, string?>? environment = null)
    {
        // A native Env's SubtleCrypto signs Ed25519 as workerd does (.NET has none of its own).
        Crypto.LibsodiumEd25519.Register();
        Config = config ?? throw new ArgumentNullException(nameof(config));
        _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
        StateDirectory = Path.GetFullPath(stateDirectory ?? throw new ArgumentNullException(nameof(stateDirectory)));
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _objects = new(() => new Workers.Local.DurableObjects.LocalDurableObjects(Path.Combine(StateDirectory, "do"), () => new Env(this)));
    }

    /// <summary>The vars and bindings this environment serves.</summary>
    public WranglerConfig Config { get; }

    /// <summary>The folder holding kv/, d1/ and r2/.</summary>
    public string StateDirectory { get; }

    /// <summary>The state folder of a project: <c>&lt;project&gt;/.pmcp/state</c>.</summary>
    /// <param name="projectDirectory">The project's folder (where its .csproj is).</param>
    public static string StateDirectoryOf(string projectDirectory) => Path.Combine(projectDirectory, ".pmcp", "state");

    /// <summary>The folder holding a project's wrangler.toml and .dev.vars: <c>&lt;project&gt;/.pmcp/workers</c>.</summary>
    /// <param name="projectDirectory">The project's folder (where its .csproj is).</param>
    public static string WorkersDirectoryOf(string projectDirectory) => Path.Combine(projectDirectory, ".pmcp", "workers");

    /// <summary>Reads a project's wrangler.toml and .dev.vars; storage opens on first use.</summary>
    /// <param name="projectDirectory">The project's folder (where its .csproj is).</param>
    /// <param name="environment">Where wrangler's environment variables are read from; the process's by default.</param>
    /// <param name="wranglerEnvironment">An <c>[env.NAME]</c> of wrangler.toml whose vars and bindings to use instead of the top-level ones.</param>
    /// <exception cref="WorkerException">
    /// wrangler.toml or .dev.vars is malformed, or <paramref name="wranglerEnvironment"/> is not declared in it.
    /// </exception>
    public static LocalEnvSource Load(string projectDirectory, Func<string, string?>? environment = null, string? wranglerEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(projectDirectory);
        var workers = WorkersDirectoryOf(Path.GetFullPath(projectDirectory));
        return new LocalEnvSource(
            WranglerConfig.Load(Path.Combine(workers, "wrangler.toml"), wranglerEnvironment),
            DevVars.Load(Path.Combine(workers, ".dev.vars")),
            StateDirectoryOf(Path.GetFullPath(projectDirectory)),
            environment);
    }

    /// <summary>A secret from .dev.vars, or else a var from wrangler.toml; null when neither has the name.</summary>
    /// <param name="name">The var's or secret's name.</param>
    public string? GetString(string name) => _secrets.TryGetValue(name, out var secret) ? secret : Config.Vars.GetValueOrDefault(name);

    /// <summary>
    /// The KV namespace declared under that binding in <c>[[kv_namespaces]]</c>, stored in
    /// <c>kv/&lt;binding&gt;.sqlite</c> under <see cref="StateDirectory"/>; null when none is declared.
    /// </summary>
    /// <param name="binding">The binding's name in wrangler.toml, as the code passes it to <c>env</c>.</param>
    /// <exception cref="ObjectDisposedException">This environment was disposed.</exception>
    public IKvBackend? GetKv(string binding) =>
        Config.KvNamespaces.Any(k => k.Binding == binding)
            ? Store(Path.Combine(StateDirectory, "kv", LocalNames.FileName(binding) + ".sqlite"), path => new SqliteKvBackend(path))
            : null;

    /// <summary>
    /// The D1 database declared under that binding in <c>[[d1_databases]]</c>, stored in
    /// <c>d1/&lt;database_name&gt;.sqlite</c> under <see cref="StateDirectory"/>; null when none is declared.
    /// Bindings that name the same database share it.
    /// </summary>
    /// <param name="binding">The binding's name in wrangler.toml, as the code passes it to <c>env</c>.</param>
    /// <exception cref="ObjectDisposedException">This environment was disposed.</exception>
    public ID1Backend? GetD1(string binding) =>
        Config.D1Databases.FirstOrDefault(d => d.Binding == binding) is { } database ? D1Store(database) : null;

    /// <summary>
    /// The R2 bucket declared under that binding in <c>[[r2_buckets]]</c>, stored as files in
    /// <c>r2/&lt;bucket_name&gt;/</c> under <see cref="StateDirectory"/>; null when none is declared.
    /// </summary>
    /// <param name="binding">The binding's name in wrangler.toml, as the code passes it to <c>env</c>.</param>
    /// <exception cref="ObjectDisposedException">This environment was disposed.</exception>
    public IR2Backend? GetR2(string binding) =>
        Config.R2Buckets.FirstOrDefault(r => r.Binding == binding) is { } bucket
            ? Store(Path.Combine(StateDirectory, "r2", LocalNames.FileName(bucket.BucketName)), folder => new FileR2Backend(folder))
            : null;

    /// <summary>
    /// The Hyperdrive declared under that binding in <c>[[hyperdrive]]</c>, connecting straight to the local database
    /// of <c>CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_&lt;BINDING&gt;</c> or else its
    /// <c>localConnectionString</c>, as <c>wrangler dev</c> does; null when none is declared.
    /// </summary>
    /// <param name="binding">The binding's name in wrangler.toml, as the code passes it to <c>env</c>.</param>
    /// <exception cref="WorkerException">
    /// The binding has no local connection string, or it is not a <c>postgres://</c> or <c>mysql://</c> URL.
    /// </exception>
    public Hyperdrive? GetHyperdrive(string binding)
    {
        if (Config.Hyperdrives.FirstOrDefault(h => h.Binding == binding) is not { } hyperdrive)
        {
            return null;
        }

        var variable = "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_" + binding;
        var connection = _environment(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : hyperdrive.LocalConnectionString;
        return connection is { Length: > 0 }
            ? HyperdriveConnection.Parse(connection, binding)
            : throw new WorkerException(
                $"Hyperdrive '{binding}' has no local database. Add localConnectionString = \"postgres://user:password@localhost:5432/db\" to its [[hyperdrive]] entry in wrangler.toml, or set {variable}.");
    }

    /// <summary>
    /// The service binding declared under that binding in <c>[[services]]</c>, sending over HTTP to the URL in
    /// <c>PMCP_SERVICE_URL_&lt;BINDING&gt;</c> (where the other Worker is served, e.g. by <c>dotnet pmcp dev</c>); null when
    /// none is declared.
    /// </summary>
    /// <param name="binding">The binding's name in wrangler.toml, as the code passes it to <c>env</c>.</param>
    /// <exception cref="WorkerException">The binding has no URL, or it is not an absolute http(s) URL.</exception>
    public HttpMessageHandler? GetService(string binding)
    {
        if (Config.Services.FirstOrDefault(s => s.Binding == binding) is not { } service)
        {
            return null;
        }

        var variable = ServiceUrlHandler.Variable(binding);
        var url = _environment(variable);
        if (url is not { Length: > 0 })
        {
            throw new WorkerException(
                $"Service binding '{binding}'{(service.Service is { } name ? $" (the Worker '{name}')" : "")} has no local URL. Serve that Worker (e.g. dotnet pmcp dev <its folder> --native --port 8788) and set "
                + $"url = \"http://127.0.0.1:8788\" in its entry under [workers.services] in .pmcp/deploy.toml, or set {variable}.");
        }

        return ServiceUrlHandler.For(binding, url);
    }

    /// <summary>
    /// The Durable Object namespace declared under that binding in <c>[[durable_objects.bindings]]</c>: objects of its
    /// class, each in <c>do/&lt;class&gt;/&lt;id&gt;.sqlite</c> under <see cref="StateDirectory"/>; null when none is declared.
    /// </summary>
    /// <param name="binding">The binding's name in wrangler.toml, as the code passes it to <c>env</c>.</param>
    /// <exception cref="WorkerException">The binding names another Worker's class (<c>script_name</c>), which is not served natively.</exception>
    public Pmcp.Workers.DurableObjects.IDurableObjectNamespaceBackend? GetDurableObject(string binding)
    {
        if (Config.DurableObjects.FirstOrDefault(d => d.Binding == binding) is not { } declared)
        {
            return null;
        }

        if (declared.ScriptName is { Length: > 0 } script)
        {
            throw new WorkerException($"Durable Object binding '{binding}' names the Worker '{script}' (script_name); dev --native serves only this Worker's own classes. Run dotnet pmcp dev without --native.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return _objects.Value.Namespace(declared.ClassName);
    }

    /// <summary>
    /// Schedules the Durable Object alarms stored under <see cref="StateDirectory"/> (for classes already registered):
    /// what a restarted host does so that alarms set before the restart still run. Returns how many are pending.
    /// </summary>
    /// <param name="cancellationToken">Cancels the scan.</param>
    public Task<int> ResumeDurableObjectAlarmsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Config.DurableObjects.Count == 0 ? Task.FromResult(0) : _objects.Value.ResumeAlarmsAsync(cancellationToken);
    }

    /// <summary>Outbound TCP (Hyperdrive's queries, <see cref="Env.ConnectAsync"/>) with TcpClient.</summary>
    public ISocketConnector GetSocketConnector() => NativeSocketConnector.Instance;

    /// <summary>Applies each D1 binding's pending migrations; returns what was applied, per binding.</summary>
    /// <param name="cancellationToken">Cancels the wait for the databases.</param>
    /// <returns>
    /// Per D1 binding, the names of the migrations applied now, in order; empty when none was pending.
    /// </returns>
    /// <exception cref="WorkerException">
    /// A declared <c>migrations_dir</c> does not exist, or a migration failed.
    /// </exception>
    public async Task<IReadOnlyList<(string Binding, IReadOnlyList<string> Applied)>> ApplyMigrationsAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<(string, IReadOnlyList<string>)>();
        foreach (var database in Config.D1Databases)
        {
            if (database.MigrationsDirectoryDeclared && !Directory.Exists(database.MigrationsDirectory))
            {
                throw new WorkerException($"D1 '{database.Binding}': migrations_dir {database.MigrationsDirectory} does not exist. Create it, or fix migrations_dir in wrangler.toml.");
            }

            results.Add((database.Binding, await LocalMigrations.ApplyAsync(D1Store(database), database.MigrationsDirectory, cancellationToken).ConfigureAwait(false)));
        }

        return results;
    }

    /// <summary>Closes every store opened so far; the bindings cannot be used afterwards.</summary>
    public void Dispose()
    {
        _disposed = true;
        if (_objects.IsValueCreated)
        {
            _objects.Value.Dispose();
        }

        foreach (var store in _stores.Values.Where(s => s.IsValueCreated))
        {
            store.Value.Dispose();
        }
    }

    // Bindings that name the same database or bucket share one store, and so one connection and one lock.
    private SqliteD1Backend D1Store(D1DatabaseConfig database) =>
        Store(Path.Combine(StateDirectory, "d1", LocalNames.FileName(database.DatabaseName) + ".sqlite"), path => new SqliteD1Backend(path));

    private T Store<T>(string path, Func<string, T> open)
        where T : class, IDisposable
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return (T)_stores.GetOrAdd(path, p => new Lazy<IDisposable>(() => open(p))).Value;
    }
}
