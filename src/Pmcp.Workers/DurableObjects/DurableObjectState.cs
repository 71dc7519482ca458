namespace Pmcp.Workers.DurableObjects;

/// <summary>What a Durable Object knows of itself (<c>ctx</c> in JavaScript): its id and its storage.</summary>
public sealed class DurableObjectState
{
    private readonly IDurableObjectStorageBackend _backend;

    /// <summary>The state of the object <paramref name="id"/> over <paramref name="backend"/>; hosts make these.</summary>
    internal DurableObjectState(DurableObjectId id, IDurableObjectStorageBackend backend)
    {
        Id = id;
        _backend = backend;
        Storage = new DurableObjectStorage(backend);
    }

    /// <summary>The object's id (with its name when the host knows it).</summary>
    public DurableObjectId Id { get; }

    /// <summary>The object's storage: typed values by key, and SQL.</summary>
    public DurableObjectStorage Storage { get; }

    /// <summary>
    /// Runs <paramref name="work"/> while no other event reaches this object (<c>blockConcurrencyWhile</c>): for
    /// initialisation that must finish before anything else sees the object, such as creating its tables.
    /// </summary>
    /// <param name="work">The work.</param>
    /// <exception cref="ArgumentNullException"><paramref name="work"/> is null.</exception>
    public Task BlockConcurrencyWhileAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _backend.BlockConcurrencyWhileAsync(work);
    }
}
