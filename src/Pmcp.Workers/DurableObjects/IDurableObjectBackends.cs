using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.DurableObjects;

// The backends behind Durable Objects: one implementation talks to workerd's real objects through the JS host, the
// other (Pmcp.Workers.Local) keeps each object in its own SQLite file. The public types validate arguments first, so
// both behave alike.

/// <summary>
/// One object's key-value storage (values are JSON text) and its SQL database. Keys arrive validated.
/// </summary>
public interface IDurableObjectStorageBackend
{
    /// <summary>The value's JSON text, or null when the key is absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="json"/> under the key, replacing what was there.</summary>
    /// <param name="key">The key.</param>
    /// <param name="json">The value as JSON text.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task PutAsync(string key, string json, CancellationToken cancellationToken);

    /// <summary>Deletes the key; true when it existed.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes every key (the SQL tables stay).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task DeleteAllAsync(CancellationToken cancellationToken);

    /// <summary>Keys and their JSON text in key order (UTF-8 byte order), as <paramref name="options"/> selects.</summary>
    /// <param name="options">The range, prefix, limit and direction; validated.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(DurableObjectListOptions options, CancellationToken cancellationToken);

    /// <summary>The object's SQLite database (<c>ctx.storage.sql</c>), spoken to as D1 statements are.</summary>
    ID1Backend Sql { get; }

    /// <summary>When the object's alarm is due, in Unix milliseconds; null when none is set.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<long?> GetAlarmAsync(CancellationToken cancellationToken);

    /// <summary>Sets the object's one alarm (replacing any) for <paramref name="unixMilliseconds"/>.</summary>
    /// <param name="unixMilliseconds">When it is due, in Unix milliseconds.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task SetAlarmAsync(long unixMilliseconds, CancellationToken cancellationToken);

    /// <summary>Deletes the object's alarm, if any.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task DeleteAlarmAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> while no other event is delivered to the object (<c>blockConcurrencyWhile</c>).
    /// </summary>
    /// <param name="work">The work; its failure is rethrown.</param>
    Task BlockConcurrencyWhileAsync(Func<Task> work);
}

/// <summary>A Durable Object namespace binding: makes ids and the stubs that send requests to objects.</summary>
public interface IDurableObjectNamespaceBackend
{
    /// <summary>The id of the object named <paramref name="name"/> (always the same id for the same name).</summary>
    /// <param name="name">The name; not null.</param>
    DurableObjectId IdFromName(string name);

    /// <summary>A new id no object has had.</summary>
    DurableObjectId NewUniqueId();

    /// <summary>The id whose hex form is <paramref name="hex"/>; throws <see cref="WorkerException"/> when it is not one of this namespace's.</summary>
    /// <param name="hex">64 hex digits.</param>
    DurableObjectId IdFromString(string hex);

    /// <summary>What sends requests to the object <paramref name="id"/>; shared, never disposed by its users.</summary>
    /// <param name="id">The object's id.</param>
    HttpMessageHandler Stub(DurableObjectId id);
}
