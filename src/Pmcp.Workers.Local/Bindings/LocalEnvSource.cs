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
/// <c>CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_&lt;BINDING&gt;</c>. Other names are not looked up there, so code that
/// runs here finds exactly the vars and secrets it will find on Workers.</item>
/// </list>
/// Storage lives under <c>&lt;project&gt;/.pmcp/state/</c> (kv/, d1/, r2/), kept across restarts.
/// </summary>
public sealed class LocalEnvSource : IEnvSource, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IDisposable>> _stores = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _secrets;
    private readonly Func<string, string?> _environment;
    private bool _disposed;

    public LocalEnvSource(WranglerConfig config, IReadOnlyDictionary<string, string> secrets, string stateDirectory, Func<string, string?>? environment = null)
    {
        // A native Env's SubtleCrypto signs Ed25519 as workerd does (.NET has none of its own).
        Crypto.LibsodiumEd25519.Register();
        Config = config ?? throw new ArgumentNullException(nameof(config));
        _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
        StateDirectory = Path.GetFullPath(stateDirectory ?? throw new ArgumentNullException(nameof(stateDirectory)));
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    public WranglerConfig Config { get; }

    /// <summary>The folder holding kv/, d1/ and r2/.</summary>
    public string StateDirectory { get; }

    /// <summary>The state folder of a project: <c>&lt;project&gt;/.pmcp/state</c>.</summary>
    public static string StateDirectoryOf(string projectDirectory) => Path.Combine(projectDirectory, ".pmcp", "state");

    /// <summary>The folder holding a project's wrangler.toml and .dev.vars: <c>&lt;project&gt;/.pmcp/workers</c>.</summary>
    public static string WorkersDirectoryOf(string projectDirectory) => Path.Combine(projectDirectory, ".pmcp", "workers");

    /// <summary>Reads a project's wrangler.toml and .dev.vars; storage opens on first use.</summary>
    /// <param name="environment">Where wrangler's environment variables are read from; the process's by default.</param>
    /// <param name="wranglerEnvironment">An <c>[env.NAME]</c> of wrangler.toml whose vars and bindings to use instead of the top-level ones.</param>
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

    public string? GetString(string name) => _secrets.TryGetValue(name, out var secret) ? secret : Config.Vars.GetValueOrDefault(name);

    public IKvBackend? GetKv(string binding) =>
        Config.KvNamespaces.Any(k => k.Binding == binding)
            ? Store(Path.Combine(StateDirectory, "kv", LocalNames.FileName(binding) + ".sqlite"), path => new SqliteKvBackend(path))
            : null;

    public ID1Backend? GetD1(string binding) =>
        Config.D1Databases.FirstOrDefault(d => d.Binding == binding) is { } database ? D1Store(database) : null;

    public IR2Backend? GetR2(string binding) =>
        Config.R2Buckets.FirstOrDefault(r => r.Binding == binding) is { } bucket
            ? Store(Path.Combine(StateDirectory, "r2", LocalNames.FileName(bucket.BucketName)), folder => new FileR2Backend(folder))
            : null;

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

    /// <summary>Outbound TCP (Hyperdrive's queries, <see cref="Env.ConnectAsync"/>) with TcpClient.</summary>
    public ISocketConnector GetSocketConnector() => NativeSocketConnector.Instance;

    /// <summary>Applies each D1 binding's pending migrations; returns what was applied, per binding.</summary>
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

    public void Dispose()
    {
        _disposed = true;
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
