using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.DurableObjects;

/// <summary>
/// Durable Objects on this machine: one C# instance per object for the life of the process, its storage in its own
/// SQLite file (<c>do/&lt;class&gt;/&lt;id&gt;.sqlite</c> under the state folder, kept across restarts), and one event
/// at a time per object.
/// <para>
/// One event at a time is stricter than workerd's input gates, which let another event in while an object waits on
/// something other than its storage (a fetch, another object). The exception keeps an object from waiting for itself:
/// an event whose call path already holds the object (it called itself, or called an object that calls it back) runs
/// at once, as workerd would run it while the caller waits.
/// </para>
/// </summary>
public sealed class LocalDurableObjects : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LocalObject>> _objects = new(StringComparer.Ordinal);
    private readonly string _directory;
    private readonly Func<Env> _env;
    private bool _disposed;

    /// <summary>Objects stored under <paramref name="directory"/>, whose events see the environment <paramref name="env"/> makes.</summary>
    /// <param name="directory">The folder of the objects' SQLite files (one sub-folder per class).</param>
    /// <param name="env">The Worker's environment, as each event sees it.</param>
    public LocalDurableObjects(string directory, Func<Env> env)
    {
        _directory = Path.GetFullPath(directory ?? throw new ArgumentNullException(nameof(directory)));
        _env = env ?? throw new ArgumentNullException(nameof(env));
    }

    /// <summary>The namespace of <paramref name="className"/>'s objects.</summary>
    /// <param name="className">The Durable Object class (registered with <see cref="DurableObjectClasses"/>).</param>
    public IDurableObjectNamespaceBackend Namespace(string className) => new LocalObjectNamespace(this, className);

    /// <summary>Sends <paramref name="request"/> to the object <paramref name="id"/> of <paramref name="className"/> as one event.</summary>
    internal async Task<Response> FetchAsync(string className, DurableObjectId id, Request request)
    {
        var target = Object(className, id);
        if (DurableObjectEvent.IsOnCallPath(target.Key))
        {
            // The object is waiting on this very call: waiting for its gate would wait for itself.
            return await DurableObjectEvent.RunAsync(target.Instance, target.Key, request, _env()).ConfigureAwait(false);
        }

        await target.Gate.WaitAsync(request.Aborted).ConfigureAwait(false);
        try
        {
            return await DurableObjectEvent.RunAsync(target.Instance, target.Key, request, _env()).ConfigureAwait(false);
        }
        finally
        {
            target.Gate.Release();
        }
    }

    /// <summary>Closes every object's file.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var item in _objects.Values.Where(o => o.IsValueCreated))
        {
            item.Value.Storage.Dispose();
        }
    }

    private LocalObject Object(string className, DurableObjectId id)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = className + "/" + id.Hex;
        return _objects.GetOrAdd(key, k => new Lazy<LocalObject>(() =>
        {
            var gate = new SemaphoreSlim(1, 1);
            var storage = new SqliteObjectStorage(Path.Combine(_directory, LocalNames(className), id.Hex + ".sqlite"), k, gate);
            return new LocalObject(k, DurableObjectClasses.Create(className, new DurableObjectState(id, storage)), gate, storage);
        })).Value;
    }

    private static string LocalNames(string className) => Bindings.LocalNames.FileName(className);

    /// <summary>The id of <paramref name="name"/>: SHA-256 of the class and the name, so the same name is the same object across restarts.</summary>
    internal static DurableObjectId IdFromName(string className, string name) =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(className + "\0" + name))), name);

    internal static DurableObjectId NewUniqueId() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    private sealed record LocalObject(string Key, DurableObject Instance, SemaphoreSlim Gate, SqliteObjectStorage Storage);
}
