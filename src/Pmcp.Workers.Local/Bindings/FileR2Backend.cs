using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// An R2 bucket in a folder: each object's bytes in a file named by the SHA-256 of its key and a version id (keys may
/// hold '/', "..", or anything else, and never become paths), and its metadata in a SQLite index (<c>index.sqlite</c>)
/// that lists keys in UTF-8 byte order as R2 does. The ETag is the MD5 of the bytes in hex, as R2 gives for
/// single-part uploads.
/// </summary>
/// <remarks>
/// A put is crash-safe: the new version's bytes go to a file of their own, flushed to disk, and only then does one
/// SQLite transaction point the key at it; the old version's file is deleted after that commit. A process killed at
/// any point leaves the index naming either the old version or the new one, whole; what it may leave behind is a file
/// no index row names, and opening the bucket deletes those. One process at a time owns a bucket folder.
/// </remarks>
public sealed class FileR2Backend : IR2Backend, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS objects (
            key TEXT PRIMARY KEY NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            uploaded INTEGER NOT NULL,
            http_metadata TEXT,
            custom_metadata TEXT,
            file TEXT NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly LocalSqliteDatabase _index;
    private readonly string _objects;
    private readonly TimeProvider _time;

    /// <summary>Opens (creating if needed) the bucket stored in <paramref name="folder"/>.</summary>
    public FileR2Backend(string folder, TimeProvider? time = null)
    {
        Folder = System.IO.Path.GetFullPath(folder);
        _objects = System.IO.Path.Combine(Folder, "objects");
        Directory.CreateDirectory(_objects);
        _index = new LocalSqliteDatabase(System.IO.Path.Combine(Folder, "index.sqlite"), Schema);
        _time = time ?? TimeProvider.System;
        RemoveLeftovers();
    }

    /// <summary>The bucket's folder as a full path: the object files under <c>objects/</c> and the <c>index.sqlite</c> index.</summary>
    public string Folder { get; }

    /// <inheritdoc/>
    /// <remarks>The file is opened at the get, so a put that replaces the object later does not change what this body reads.</remarks>
    public Task<R2ObjectBody?> GetAsync(string key, R2Range? range, CancellationToken cancellationToken) =>
        _index.RunAsync(connection =>
        {
            if (Find(connection, key) is not { } found)
            {
                return null;
            }

            var (offset, length) = Resolve(range, found.Object.Size, key);
            // Opened now, under the index's lock: a later put renames a new file over this one, and the open handle keeps
            // reading the bytes that were current at the get, as R2 does.
            var file = new FileStream(FilePath(found.File), new FileStreamOptions
            {
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            file.Position = offset;
            var o = found.Object;
            return new R2ObjectBody(o with { Range = range is null ? null : new R2Range { Offset = offset, Length = length } }, length, new FileBodySource(file));
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken) =>
        _index.RunAsync(connection => Find(connection, key)?.Object, cancellationToken);

    /// <inheritdoc/>
    public Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions options, CancellationToken cancellationToken) =>
        StoreAsync(key, options, (file, token) => file.WriteAsync(value, token), cancellationToken);

    /// <summary>Copies the body to the file as it is read, hashing on the way: memory stays at one buffer.</summary>
    public Task<R2Object> PutAsync(string key, R2UploadReader body, R2PutOptions options, CancellationToken cancellationToken) =>
        StoreAsync(key, options, async (file, token) =>
        {
            var buffer = new byte[81920];
            int count;
            while ((count = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, count), token).ConfigureAwait(false);
            }
        }, cancellationToken);

    private async Task<R2Object> StoreAsync(string key, R2PutOptions options, Func<Stream, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A file per version, named by nothing any index row holds yet: until the commit below, readers and a restart
        // see the old version, and the file is a leftover that opening the bucket removes.
        var file = LocalNames.Hash(key) + "-" + Guid.NewGuid().ToString("N");
        var path = FilePath(file);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var committed = false;
        try
        {
            long size;
            string etag;
#pragma warning disable CA5351 // R2 defines the ETag as the MD5 of the bytes; it is an identity, not a security measure.
            using (var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
#pragma warning restore CA5351
            {
                await using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                {
                    await using (var hashing = new HashingStream(stream, md5))
                    {
                        await write(hashing, cancellationToken).ConfigureAwait(false);
                    }

                    size = stream.Length;
                    stream.Flush(flushToDisk: true); // the bytes are on disk before the index names them
                }

                etag = Convert.ToHexStringLower(md5.GetHashAndReset());
            }

            var (stored, previous) = await _index.RunAsync(connection =>
            {
                var uploaded = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
                using var transaction = connection.BeginTransaction();
                var previous = Find(connection, key)?.File;
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO objects (key, size, etag, uploaded, http_metadata, custom_metadata, file)
                    VALUES ($key, $size, $etag, $uploaded, $http, $custom, $file)
                    ON CONFLICT (key) DO UPDATE SET size = excluded.size, etag = excluded.etag, uploaded = excluded.uploaded,
                        http_metadata = excluded.http_metadata, custom_metadata = excluded.custom_metadata, file = excluded.file
                    """;
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$size", size);
                command.Parameters.AddWithValue("$etag", etag);
                command.Parameters.AddWithValue("$uploaded", uploaded.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$http", options.HttpMetadata is { } http ? JsonSerializer.Serialize(http, LocalJsonContext.Default.R2HttpMetadata) : DBNull.Value);
                command.Parameters.AddWithValue("$custom", options.CustomMetadata is { Count: > 0 } custom
                    ? JsonSerializer.Serialize(new Dictionary<string, string>(custom), LocalJsonContext.Default.DictionaryStringString)
                    : DBNull.Value);
                command.Parameters.AddWithValue("$file", file);
                command.ExecuteNonQuery();
                transaction.Commit();
                committed = true;
                var stored = new R2Object(key, size, etag, uploaded)
                {
                    HttpMetadata = options.HttpMetadata ?? new R2HttpMetadata(),
                    CustomMetadata = options.CustomMetadata is { } given ? new Dictionary<string, string>(given) : new Dictionary<string, string>(),
                };
                return (stored, previous);
            }, cancellationToken).ConfigureAwait(false);

            // A get that opened the old file keeps reading it (the handle outlives the name), as R2 serves the version
            // that was current at the get.
            if (previous is not null)
            {
                File.Delete(FilePath(previous));
            }

            return stored;
        }
        finally
        {
            if (!committed)
            {
                File.Delete(path); // the put was cancelled or failed: the old version stays, whole
            }
        }
    }

    /// <summary>
    /// Deletes what a killed process left: files under <c>objects/</c> that no index row names (a put's bytes whose
    /// commit never happened, an old version whose deletion never happened, or a temporary file of an older version).
    /// </summary>
    private void RemoveLeftovers()
    {
        var named = _index.RunAsync(connection =>
        {
            var files = new HashSet<string>(StringComparer.Ordinal);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT file FROM objects";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                files.Add(reader.GetString(0));
            }

            return files;
        }, CancellationToken.None).GetAwaiter().GetResult();

        foreach (var path in Directory.EnumerateFiles(_objects, "*", SearchOption.AllDirectories))
        {
            var name = System.IO.Path.GetFileName(path);
            if (!named.Contains(name) || path != FilePath(name))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Deletes the keys that exist; absent keys are no error, as in R2.</summary>
    public Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        _index.RunAsync(connection =>
        {
            foreach (var key in keys)
            {
                if (Find(connection, key) is not { } found)
                {
                    continue;
                }

                using var command = connection.CreateCommand();
                command.CommandText = "DELETE FROM objects WHERE key = $key";
                command.Parameters.AddWithValue("$key", key);
                command.ExecuteNonQuery();
                File.Delete(FilePath(found.File));
            }

            return keys.Count;
        }, cancellationToken);

    /// <summary>
    /// A page in key order. With a delimiter, keys with the delimiter after the prefix fold into one delimited prefix
    /// each (up to and including the delimiter); objects and prefixes together count against the limit, as in S3.
    /// The cursor names where the page stopped: after a key, or after every key under a delimited prefix.
    /// </summary>
    public Task<R2Objects> ListAsync(R2ListOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var position = LocalCursor.Decode(options.Cursor, "R2");
        var limit = options.Limit ?? 1000;
        var prefix = options.Prefix ?? "";
        var delimiter = string.IsNullOrEmpty(options.Delimiter) ? null : options.Delimiter;
        return _index.RunAsync(connection =>
        {
            // A cursor is "k" + the last key listed, or "p" + the last delimited prefix (skip everything under it).
            var after = position is null ? "" : position[1..];
            var skipUnder = position is ['p', ..] ? after : null;
            var objects = new List<R2Object>();
            var prefixes = new List<string>();
            string? last = null;
            var truncated = false;
            const int Page = 256;
            while (!truncated)
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT key, size, etag, uploaded, http_metadata, custom_metadata FROM objects
                    WHERE key > $after AND key >= $prefix AND substr(key, 1, length($prefix)) = $prefix
                    ORDER BY key LIMIT $page
                    """;
                command.Parameters.AddWithValue("$after", after);
                command.Parameters.AddWithValue("$prefix", prefix);
                command.Parameters.AddWithValue("$page", Page);
                var read = 0;
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        read++;
                        var key = reader.GetString(0);
                        after = key;
                        if (skipUnder is not null && key.StartsWith(skipUnder, StringComparison.Ordinal))
                        {
                            continue;
                        }

                        var cut = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                        if (objects.Count + prefixes.Count == limit)
                        {
                            truncated = true; // one more entry exists beyond the page
                            break;
                        }

                        if (cut >= 0)
                        {
                            skipUnder = key[..(cut + delimiter!.Length)];
                            prefixes.Add(skipUnder);
                            last = "p" + skipUnder;
                        }
                        else
                        {
                            skipUnder = null;
                            objects.Add(ReadObject(reader));
                            last = "k" + key;
                        }
                    }
                }

                if (read < Page)
                {
                    break;
                }
            }

            return new R2Objects(objects, prefixes, truncated, truncated ? LocalCursor.Encode(last!) : null);
        }, cancellationToken);
    }

    /// <summary>Closes the SQLite index; bodies already returned by <see cref="GetAsync"/> keep their own file handles.</summary>
    public void Dispose() => _index.Dispose();

    private static (long Offset, long Length) Resolve(R2Range? range, long size, string key)
    {
        if (range is null)
        {
            return (0, size);
        }

        if (range.Suffix is { } suffix)
        {
            var length = Math.Min(suffix, size);
            return (size - length, length);
        }

        var offset = range.Offset ?? 0;
        if (offset > size || (offset == size && size > 0))
        {
            throw new WorkerException($"R2 get of '{key}': the range starts at {offset}, past the object's {size} bytes (The requested range is not satisfiable, 10039).");
        }

        return (offset, Math.Min(range.Length ?? size - offset, size - offset));
    }

    private static (R2Object Object, string File)? Find(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, size, etag, uploaded, http_metadata, custom_metadata, file FROM objects WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (ReadObject(reader), reader.GetString(6)) : null;
    }

    private static R2Object ReadObject(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
        {
            HttpMetadata = reader.IsDBNull(4) ? new R2HttpMetadata() : JsonSerializer.Deserialize(reader.GetString(4), LocalJsonContext.Default.R2HttpMetadata)!,
            CustomMetadata = reader.IsDBNull(5) ? new Dictionary<string, string>() : JsonSerializer.Deserialize(reader.GetString(5), LocalJsonContext.Default.DictionaryStringString)!,
        };

    private string FilePath(string file) => System.IO.Path.Combine(_objects, file[..2], file);
}
