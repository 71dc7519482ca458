using Microsoft.Data.Sqlite;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.DurableObjects;

/// <summary>
/// One Durable Object's storage on this machine: its own SQLite file, the key-value API in the table <c>_cf_KV</c> (as
/// workerd's SQLite-backed objects keep it) and the object's own SQL tables beside it, through one connection.
/// </summary>
internal sealed class SqliteObjectStorage : IDurableObjectStorageBackend, IDisposable
{
    private const string Schema = "CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
        + " CREATE TABLE IF NOT EXISTS _cf_METADATA (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;";

    private readonly LocalSqliteDatabase _database;
    private readonly string _objectKey;
    private readonly SemaphoreSlim _gate;
    private readonly Action<long?> _alarmChanged;

    /// <param name="path">The object's SQLite file.</param>
    /// <param name="objectKey">The object's key (class/id), to know when its own events are on the call path.</param>
    /// <param name="gate">The object's gate (one event at a time).</param>
    /// <param name="alarmChanged">Told when the alarm is set (its time) or deleted (null), to schedule it.</param>
    public SqliteObjectStorage(string path, string objectKey, SemaphoreSlim gate, Action<long?> alarmChanged)
    {
        _database = new LocalSqliteDatabase(path, Schema);
        _objectKey = objectKey;
        _gate = gate;
        _alarmChanged = alarmChanged;
        Sql = new SqliteD1Backend(_database);
    }

    public ID1Backend Sql { get; }

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken) =>
        _database.RunAsync(connection => (string?)Command(connection, "SELECT value FROM _cf_KV WHERE key = $key", ("$key", key)).ExecuteScalar(), cancellationToken);

    public Task PutAsync(string key, string json, CancellationToken cancellationToken) =>
        _database.RunAsync(connection => Command(connection, "INSERT INTO _cf_KV (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("$key", key), ("$value", json)).ExecuteNonQuery(), cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken) =>
        _database.RunAsync(connection => Command(connection, "DELETE FROM _cf_KV WHERE key = $key", ("$key", key)).ExecuteNonQuery() > 0, cancellationToken);

    public Task DeleteAllAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(connection => Command(connection, "DELETE FROM _cf_KV").ExecuteNonQuery(), cancellationToken);

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListAsync(DurableObjectListOptions options, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<KeyValuePair<string, string>>>(connection =>
        {
            // TEXT compares with memcmp on UTF-8 (BINARY collation): the byte order workerd lists keys in.
            var sql = "SELECT key, value FROM _cf_KV WHERE ($start IS NULL OR key >= $start) AND ($end IS NULL OR key < $end)"
                + " AND ($prefix IS NULL OR substr(key, 1, length($prefix)) = $prefix)"
                + (options.Reverse ? " ORDER BY key DESC" : " ORDER BY key") + " LIMIT $limit";
            using var command = Command(connection, sql, ("$start", options.Start), ("$end", options.End), ("$prefix", options.Prefix), ("$limit", (long?)options.Limit ?? -1L));
            using var reader = command.ExecuteReader();
            var entries = new List<KeyValuePair<string, string>>();
            while (reader.Read())
            {
                entries.Add(new(reader.GetString(0), reader.GetString(1)));
            }

            return entries;
        }, cancellationToken);

    public Task<long?> GetAlarmAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(connection => (long?)Command(connection, "SELECT value FROM _cf_METADATA WHERE key = 'alarm'").ExecuteScalar(), cancellationToken);

    public async Task SetAlarmAsync(long unixMilliseconds, CancellationToken cancellationToken)
    {
        await _database.RunAsync(connection => Command(connection, "INSERT INTO _cf_METADATA (key, value) VALUES ('alarm', $due) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("$due", unixMilliseconds)).ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);
        _alarmChanged(unixMilliseconds);
    }

    public async Task DeleteAlarmAsync(CancellationToken cancellationToken)
    {
        await ClearAlarmAsync(cancellationToken).ConfigureAwait(false);
        _alarmChanged(null);
    }

    /// <summary>Deletes the stored alarm without rescheduling: the runtime does this as the alarm starts to run.</summary>
    public Task ClearAlarmAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(connection => Command(connection, "DELETE FROM _cf_METADATA WHERE key = 'alarm'").ExecuteNonQuery(), cancellationToken);

    public async Task BlockConcurrencyWhileAsync(Func<Task> work)
    {
        if (DurableObjectEvent.IsOnCallPath(_objectKey))
        {
            // Inside one of the object's events, which already runs alone.
            await work().ConfigureAwait(false);
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _database.Dispose();

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
