using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// A Durable Object's own storage (<c>ctx.storage</c>): typed values by key, written as JSON with source-generated
/// metadata (no reflection), and a SQLite database (<see cref="Sql"/>). Only the object itself reaches it, and only
/// while it handles an event.
/// <code>
/// var count = await State.Storage.GetAsync("count", AppJson.Default.Int64);
/// await State.Storage.PutAsync("count", count + 1, AppJson.Default.Int64);
/// </code>
/// </summary>
public sealed class DurableObjectStorage
{
    /// <summary>The longest key Workers accepts, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 2048;

    private readonly IDurableObjectStorageBackend _backend;

    /// <summary>Storage over <paramref name="backend"/>; hosts make these.</summary>
    internal DurableObjectStorage(IDurableObjectStorageBackend backend)
    {
        _backend = backend;
        Sql = new SqlStorage(backend.Sql);
    }

    /// <summary>The object's SQLite database (<c>ctx.storage.sql</c>); needs a SQLite-backed class (<c>new_sqlite_classes</c>, which <c>dotnet pmcp</c> writes).</summary>
    public SqlStorage Sql { get; }

    /// <summary>The value stored under <paramref name="key"/>, or default when there is none.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, at most 2 KiB of UTF-8.</param>
    /// <param name="typeInfo">The type's source-generated JSON metadata, such as <c>AppJson.Default.Int64</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="WorkerException">The key is too long, or the stored value is not a <typeparamref name="T"/>.</exception>
    public async Task<T?> GetAsync<T>(string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = await _backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false);
        return json is null ? default : Read(key, json, typeInfo);
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing what was there.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, at most 2 KiB of UTF-8.</param>
    /// <param name="value">The value, written as JSON.</param>
    /// <param name="typeInfo">The type's source-generated JSON metadata.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="WorkerException">The key is too long.</exception>
    public Task PutAsync<T>(string key, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return _backend.PutAsync(CheckKey(key), JsonSerializer.Serialize(value, typeInfo), cancellationToken);
    }

    /// <summary>Deletes <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when the key existed.</returns>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _backend.DeleteAsync(CheckKey(key), cancellationToken);

    /// <summary>Deletes every key of the key-value storage (SQL tables are dropped with SQL).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task DeleteAllAsync(CancellationToken cancellationToken = default) => _backend.DeleteAllAsync(cancellationToken);

    /// <summary>The entries in key order (UTF-8 byte order), as <paramref name="options"/> selects.</summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="typeInfo">The type's source-generated JSON metadata.</param>
    /// <param name="options">Range, prefix, limit and direction; null: every entry.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="WorkerException">A limit below 1, or a value that is not a <typeparamref name="T"/>.</exception>
    public async Task<IReadOnlyList<KeyValuePair<string, T>>> ListAsync<T>(JsonTypeInfo<T> typeInfo, DurableObjectListOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        options ??= new DurableObjectListOptions();
        if (options.Limit is < 1)
        {
            throw new WorkerException($"Durable Object storage list: limit must be at least 1 (was {options.Limit}); leave it null for every entry.");
        }

        var entries = await _backend.ListAsync(options, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => new KeyValuePair<string, T>(e.Key, Read(e.Key, e.Value, typeInfo)!))];
    }

    /// <summary>When the object's alarm is due, or null when none is set.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<DateTimeOffset?> GetAlarmAsync(CancellationToken cancellationToken = default) =>
        await _backend.GetAlarmAsync(cancellationToken).ConfigureAwait(false) is { } due ? DateTimeOffset.FromUnixTimeMilliseconds(due) : null;

    /// <summary>
    /// Sets the object's alarm (an object has one; this replaces it): at <paramref name="time"/> the runtime calls
    /// <see cref="DurableObject.AlarmAsync"/>, even if the object is not in memory then. A time in the past runs it at once.
    /// </summary>
    /// <param name="time">When.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task SetAlarmAsync(DateTimeOffset time, CancellationToken cancellationToken = default) =>
        _backend.SetAlarmAsync(time.ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>Deletes the object's alarm; none set is no error.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task DeleteAlarmAsync(CancellationToken cancellationToken = default) => _backend.DeleteAlarmAsync(cancellationToken);

    private static T? Read<T>(string key, string json, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo);
        }
        catch (JsonException e)
        {
            throw new WorkerException($"Durable Object storage: the value under '{key}' is not a {typeof(T).Name} ({e.Message}).", e);
        }
    }

    private static string CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Encoding.UTF8.GetByteCount(key) <= MaxKeyBytes
            ? key
            : throw new WorkerException($"Durable Object storage: a key is at most {MaxKeyBytes} bytes of UTF-8 (this one has {Encoding.UTF8.GetByteCount(key)}).");
    }
}
