using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.DurableObjects;

/// <summary>
/// Durable Objects on this machine: one C# instance per object for the life of the process, its storage in its own
/// SQLite file (<c>do/&lt;class&gt;/&lt;id&gt;.sqlite</c> under the state folder, kept across restarts), one event
/// at a time per object, and alarms on timers (re-armed from the files when the host starts).
/// <para>
/// One event at a time is stricter than workerd's input gates, which let another event in while an object waits on
/// something other than its storage (a fetch, another object). The exception keeps an object from waiting for itself:
/// an event whose call path already holds the object (it called itself, or called an object that calls it back) runs
/// at once, as workerd would run it while the caller waits.
/// </para>
/// </summary>
public sealed class LocalDurableObjects : IDisposable
{
    /// <summary>How many times a failing alarm is run again, as workerd does.</summary>
    public const int MaxAlarmRetries = 6;

    private readonly ConcurrentDictionary<string, Lazy<LocalObject>> _objects = new(StringComparer.Ordinal);
    private readonly string _directory;
    private readonly Func<Env> _env;
    private volatile bool _disposed;

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

    /// <summary>
    /// Schedules the alarms stored in the objects' files of the registered classes (a host restarting finds its
    /// objects' alarms as workerd would): each such object is loaded. Returns how many alarms are pending.
    /// </summary>
    /// <param name="cancellationToken">Cancels the scan.</param>
    public async Task<int> ResumeAlarmsAsync(CancellationToken cancellationToken = default)
    {
        var pending = 0;
        foreach (var className in DurableObjectClasses.Names)
        {
            var folder = Path.Combine(_directory, Bindings.LocalNames.FileName(className));
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.sqlite"))
            {
                var hex = Path.GetFileNameWithoutExtension(file);
                if (!DurableObjectId.IsWellFormed(hex))
                {
                    continue;
                }

                var target = Object(className, new DurableObjectId(hex));
                if (await target.Storage.GetAlarmAsync(cancellationToken).ConfigureAwait(false) is { } due)
                {
                    Schedule(target, due);
                    pending++;
                }
            }
        }

        return pending;
    }

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

    /// <summary>
    /// A Worker's own request handed to the object (<see cref="DurableObjectStub.ForwardAsync"/>) as it is, so that a
    /// WebSocket it accepts reaches the client through the Worker's answer; an object that throws answers 500.
    /// </summary>
    internal async Task<Response> ForwardAsync(string className, DurableObjectId id, Request request)
    {
        try
        {
            return await FetchAsync(className, id, request).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !request.Aborted.IsCancellationRequested)
        {
            Log.Error($"Unhandled {e.GetType().Name} in the Durable Object {className} {id.Hex} ({request.Method} {request.Path}): {e.Message}");
            return Response.Text("Internal Server Error", 500);
        }
    }

    /// <summary>Runs one of the object's WebSocket handlers as one event (<see cref="LocalObjectWebSockets"/>).</summary>
    private async Task RunEventAsync(LocalObject target, Func<DurableObject, Task> handler)
    {
        if (DurableObjectEvent.IsOnCallPath(target.Key))
        {
            await DurableObjectEvent.RunWebSocketAsync(target.Instance, target.Key, _env(), handler).ConfigureAwait(false);
            return;
        }

        await target.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await DurableObjectEvent.RunWebSocketAsync(target.Instance, target.Key, _env(), handler).ConfigureAwait(false);
        }
        finally
        {
            target.Gate.Release();
        }
    }

    /// <summary>Stops the alarms' timers and closes every object's file.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var item in _objects.Values.Where(o => o.IsValueCreated))
        {
            lock (item.Value)
            {
                item.Value.Timer?.Dispose();
                item.Value.Timer = null;
            }

            item.Value.Storage.Dispose();
        }
    }

    private LocalObject Object(string className, DurableObjectId id)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = className + "/" + id.Hex;
        return _objects.GetOrAdd(key, k => new Lazy<LocalObject>(() =>
        {
            var target = new LocalObject(k, new SemaphoreSlim(1, 1));
            target.Storage = new SqliteObjectStorage(Path.Combine(_directory, Bindings.LocalNames.FileName(className), id.Hex + ".sqlite"), k, target.Gate, due => Schedule(target, due));
            var sockets = new LocalObjectWebSockets(k, handler => RunEventAsync(target, handler));
            target.Instance = DurableObjectClasses.Create(className, new DurableObjectState(id, target.Storage, sockets));
            return target;
        })).Value;
    }

    /// <summary>Arms the object's one alarm timer for <paramref name="due"/> (Unix ms), or disarms it (null).</summary>
    private void Schedule(LocalObject target, long? due)
    {
        lock (target)
        {
            target.Timer?.Dispose();
            target.Timer = null;
            if (due is not { } when || _disposed)
            {
                return;
            }

            var delay = TimeSpan.FromMilliseconds(Math.Clamp(when - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, int.MaxValue - 1));
            target.Timer = new Timer(_ => _ = RunAlarmAsync(target), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Runs a due alarm as one event of the object: the stored alarm is cleared as it starts (the handler may set the
    /// next); when the handler throws and set none, it runs again after 2, 4, 8, … seconds, up to <see cref="MaxAlarmRetries"/> times.
    /// </summary>
    private async Task RunAlarmAsync(LocalObject target)
    {
        if (_disposed)
        {
            return;
        }

        await target.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed || await target.Storage.GetAlarmAsync(CancellationToken.None).ConfigureAwait(false) is not { } due)
            {
                return;
            }

            if (due > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5)
            {
                Schedule(target, due); // moved later meanwhile
                return;
            }

            await target.Storage.ClearAlarmAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await DurableObjectEvent.RunAlarmAsync(target.Instance, target.Key, new AlarmInfo(target.AlarmRetries), _env()).ConfigureAwait(false);
                target.AlarmRetries = 0;
            }
            catch (Exception e)
            {
                var retry = target.AlarmRetries < MaxAlarmRetries && await target.Storage.GetAlarmAsync(CancellationToken.None).ConfigureAwait(false) is null;
                Log.Error($"Unhandled {e.GetType().Name} in the alarm of the Durable Object {target.Key}: {e.Message}{(retry ? $" (run {target.AlarmRetries + 1} of {MaxAlarmRetries + 1}; it runs again)" : "")}");
                if (retry)
                {
                    target.AlarmRetries++;
                    await target.Storage.SetAlarmAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (1000L << target.AlarmRetries), CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    target.AlarmRetries = 0;
                }
            }
        }
        catch (ObjectDisposedException) when (_disposed)
        {
            // The host stopped while the alarm was due; it is still stored and runs at the next start.
        }
        finally
        {
            target.Gate.Release();
        }
    }

    /// <summary>The id of <paramref name="name"/>: SHA-256 of the class and the name, so the same name is the same object across restarts.</summary>
    internal static DurableObjectId IdFromName(string className, string name) =>
        new(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(className + "\0" + name))), name);

    internal static DurableObjectId NewUniqueId() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    /// <summary>One live object: its instance, its gate (one event at a time), its storage and its alarm's timer.</summary>
    private sealed class LocalObject(string key, SemaphoreSlim gate)
    {
        public string Key { get; } = key;

        public SemaphoreSlim Gate { get; } = gate;

        public DurableObject Instance { get; set; } = null!;

        public SqliteObjectStorage Storage { get; set; } = null!;

        /// <summary>Guarded by locking the object.</summary>
        public Timer? Timer { get; set; }

        /// <summary>How many runs of the current alarm have failed (read and written under <see cref="Gate"/>).</summary>
        public int AlarmRetries { get; set; }
    }
}
