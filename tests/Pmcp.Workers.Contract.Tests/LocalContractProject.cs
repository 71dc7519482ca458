using Pmcp.Testing;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// A throwaway project folder holding a copy of the BindingsWorker's wrangler.toml, so the native bindings read the
/// very declarations workerd reads, while their state (.pmcp/state) stays out of the checkout; and the PostgreSQL its
/// Hyperdrive bindings reach, pointed at through wrangler's variables as Pmcp.WorkerdTests does for workerd.
/// </summary>
public sealed class LocalContractProject : IAsyncLifetime, IDisposable
{
    private PostgresServer? _postgres;
    private IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();

    public LocalContractProject()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pmcp-contract-" + Guid.NewGuid().ToString("N"));
        var workers = LocalEnvSource.WorkersDirectoryOf(Directory);
        System.IO.Directory.CreateDirectory(workers);
        File.Copy(Path.Combine(LocalEnvSource.WorkersDirectoryOf(WorkerDirectory), "wrangler.toml"), Path.Combine(workers, "wrangler.toml"));
    }

    public static string WorkerDirectory => Path.Combine(RepoPaths.Root, "tests", "Workers", "BindingsWorker");

    public string Directory { get; }

    /// <summary>An environment over the project's state; a second one over the same folder is a restart.</summary>
    public LocalEnvSource Open() => LocalEnvSource.Load(Directory, _environment.GetValueOrDefault);

    public async Task InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync(ContractBindings.PostgresUsers);
        _environment = ContractBindings.HyperdriveEnvironment(_postgres.Port, PostgresServer.ClosedPort());
    }

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A store still closing on another thread; the folder is in the temp directory, so leaving it is harmless.
        }
    }
}
