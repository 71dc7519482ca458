using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// A KV namespace in one SQLite file. Keys are TEXT under SQLite's BINARY collation, which compares UTF-8 bytes, so
/// listings come in the same order as Cloudflare's. Expired values are invisible at once and purged on writes.
/// </summary>
public sealed class SqliteKvBackend : IKvBackend, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS kv (
            key TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL,
            expiration INTEGER,
            metadata TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS kv_expiration ON kv (expiration) WHERE expiration IS NOT NULL;
        """;

    private readonly LocalSqliteDatabase _database;
    private readonly TimeProvider _time;

    /// <summary>Opens (creating if needed) the namespace stored at <paramref name="path"/>.</summary>
    /// <param name="path">The SQLite file; it and its folder are created when missing.</param>
    /// <param name="time">
    /// The clock expirations are checked against; the system's by default (tests pass a fake).
    /// </param>
    /// <exception cref="WorkerException">The file cannot be opened as a SQLite database.</exception>
    public SqliteKvBackend(string path, TimeProvider? time = null)
    {
        _database = new LocalSqliteDatabase(path, Schema);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The SQLite file's full path.</summary>
    public string Path => _database.Path;

    /// <summary>The value, metadata and expiration; null when the key is absent or its expiration has passed.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    public Task<KvStoredValue?> GetAsync(string key, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value, metadata, expiration FROM kv WHERE key = $key AND (expiration IS NULL OR expiration > $now)";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$now", Now());
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new KvStoredValue((byte[])reader.GetValue(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2))
                : null;
        }, cancellationToken);

    /// <summary>Stores the value, replacing any under the key, and purges values whose expiration has passed.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value's bytes.</param>
    /// <param name="expiration">When the value expires, in Unix seconds; null for never.</param>
    /// <param name="metadataJson">The metadata as JSON text; null for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    public Task PutAsync(string key, ReadOnlyMemory<byte> value, long? expiration, string? metadataJson, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM kv WHERE expiration IS NOT NULL AND expiration <= $now;
                INSERT INTO kv (key, value, expiration, metadata) VALUES ($key, $value, $expiration, $metadata)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, expiration = excluded.expiration, metadata = excluded.metadata;
                """;
            command.Parameters.AddWithValue("$now", Now());
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.Add("$value", SqliteType.Blob).Value = value.ToArray();
            command.Parameters.AddWithValue("$expiration", (object?)expiration ?? DBNull.Value);
            command.Parameters.AddWithValue("$metadata", (object?)metadataJson ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Deletes the key; a key that does not exist is no error.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM kv WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Live keys after the cursor (the last key of the previous page), in UTF-8 byte order.</summary>
    /// <param name="prefix">Only keys that start with this; null for every key.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="cursor">The previous page's <see cref="KvListResult.Cursor"/>; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    /// <exception cref="WorkerException"><paramref name="cursor"/> is not a cursor this backend made.</exception>
    public Task<KvListResult> ListAsync(string? prefix, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var after = LocalCursor.Decode(cursor, "KV");
        return _database.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT key, expiration, metadata FROM kv
                WHERE key > $after AND key >= $prefix AND substr(key, 1, length($prefix)) = $prefix
                  AND (expiration IS NULL OR expiration > $now)
                ORDER BY key LIMIT $take
                """;
            command.Parameters.AddWithValue("$after", after ?? "");
            command.Parameters.AddWithValue("$prefix", prefix ?? "");
            command.Parameters.AddWithValue("$now", Now());
            command.Parameters.AddWithValue("$take", limit + 1);
            var keys = new List<KvKey>(Math.Min(limit, 1000));
            var more = false;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (keys.Count == limit)
                {
                    more = true;
                    break;
                }

                keys.Add(new KvKey(reader.GetString(0))
                {
                    Expiration = reader.IsDBNull(1) ? null : reader.GetInt64(1),
                    Metadata = reader.IsDBNull(2) ? null : ParseJson(reader.GetString(2)),
                });
            }

            return new KvListResult(keys, !more, more ? LocalCursor.Encode(keys[^1].Name) : null);
        }, cancellationToken);
    }

    /// <summary>Closes the SQLite file.</summary>
    public void Dispose() => _database.Dispose();

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
