using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// An R2 bucket in a folder: each object's bytes in a file named by the SHA-256 of its key (keys may hold '/', "..",
/// or anything else, and never become paths), and its metadata in a SQLite index (<c>index.sqlite</c>) that lists
/// keys in UTF-8 byte order as R2 does. The ETag is the MD5 of the bytes in hex, as R2 gives for single-part uploads.
/// </summary>
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
    }

    public string Folder { get; }

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

    public Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken) =>
        _index.RunAsync(connection => Find(connection, key)?.Object, cancellationToken);

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
        var file = LocalNames.Hash(key);
        // Written beside its final place, then renamed over it: a reader never sees half an object.
        var temporary = FilePath(file) + "." + Guid.NewGuid().ToString("N") + ".tmp";
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(temporary)!);
        try
        {
            long size;
            string etag;
#pragma warning disable CA5351 // R2 defines the ETag as the MD5 of the bytes; it is an identity, not a security measure.
            using (var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5))
#pragma warning restore CA5351
            {
                await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                await using (var hashing = new HashingStream(stream, md5))
                {
                    await write(hashing, cancellationToken).ConfigureAwait(false);
                    size = stream.Length;
                }

                etag = Convert.ToHexStringLower(md5.GetHashAndReset());
            }

            return await _index.RunAsync(connection =>
            {
                var uploaded = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
                File.Move(temporary, FilePath(file), overwrite: true);
                using var command = connection.CreateCommand();
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
                return new R2Object(key, size, etag, uploaded)
                {
                    HttpMetadata = options.HttpMetadata ?? new R2HttpMetadata(),
                    CustomMetadata = options.CustomMetadata is { } given ? new Dictionary<string, string>(given) : new Dictionary<string, string>(),
                };
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temporary); // only left when the put was cancelled or failed
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
