namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// A Durable Object namespace binding (<c>env.DurableObject("COUNTER")</c>): every object of one class. Ids come from
/// a name (the same object for the same name, everywhere) or are new; a stub sends the object requests.
/// <code>
/// var counter = env.DurableObject("COUNTER").GetByName("global");
/// using var response = await counter.FetchAsync("/increment", ct);
/// </code>
/// </summary>
public sealed class DurableObjectNamespace
{
    private readonly IDurableObjectNamespaceBackend _backend;

    /// <summary>A namespace over <paramref name="backend"/>; hosts make these, code gets one from <see cref="Env.DurableObject"/>.</summary>
    internal DurableObjectNamespace(string name, IDurableObjectNamespaceBackend backend)
    {
        Name = name;
        _backend = backend;
    }

    /// <summary>The binding's name in wrangler.toml's <c>[[durable_objects.bindings]]</c>.</summary>
    public string Name { get; }

    /// <summary>The id of the object called <paramref name="name"/>: the same id for the same name, always.</summary>
    /// <param name="name">Any string (a room, a user, a session).</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public DurableObjectId IdFromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _backend.IdFromName(name);
    }

    /// <summary>A new id, of an object that does not exist yet.</summary>
    public DurableObjectId NewUniqueId() => _backend.NewUniqueId();

    /// <summary>The id whose hex form is <paramref name="hex"/> (as <see cref="DurableObjectId.Hex"/> gave it).</summary>
    /// <param name="hex">64 hex digits.</param>
    /// <exception cref="WorkerException"><paramref name="hex"/> is not an id of this namespace.</exception>
    public DurableObjectId IdFromString(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return DurableObjectId.IsWellFormed(hex)
            ? _backend.IdFromString(hex.ToLowerInvariant())
            : throw new WorkerException($"'{hex}' is not a Durable Object id: an id is 64 hex digits (DurableObjectId.Hex).");
    }

    /// <summary>A stub that sends requests to the object <paramref name="id"/> (it is created on its first request).</summary>
    /// <param name="id">The object's id.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public DurableObjectStub Get(DurableObjectId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new DurableObjectStub(Name, id, _backend.Stub(id), _backend as IDurableObjectForwarder);
    }

    /// <summary>The stub of the object called <paramref name="name"/>: <c>Get(IdFromName(name))</c>.</summary>
    /// <param name="name">The object's name.</param>
    public DurableObjectStub GetByName(string name) => Get(IdFromName(name));

    /// <inheritdoc />
    public override string ToString() => $"Durable Object namespace {Name}";
}
