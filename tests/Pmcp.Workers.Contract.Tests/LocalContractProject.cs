using Pmcp.Testing;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// A throwaway project folder holding a copy of the BindingsWorker's wrangler.toml, so the native bindings read the
/// very declarations workerd reads, while their state (.pmcp/state) stays out of the checkout.
/// </summary>
public sealed class LocalContractProject : IDisposable
{
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
    public LocalEnvSource Open() => LocalEnvSource.Load(Directory);

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
