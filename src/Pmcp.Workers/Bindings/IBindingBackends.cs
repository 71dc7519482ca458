using System.Text.Json;

namespace Pmcp.Workers.Bindings;

// The backends behind the binding types: one implementation talks to workerd's real bindings through the JS host,
// the other (Pmcp.Workers.Local) stores everything on this machine. The public types (KvNamespace, D1Database,
// R2Bucket) validate arguments and apply Cloudflare's limits before a backend is called, so both behave alike.

/// <summary>A KV namespace's storage. Keys and values arrive validated; expirations are absolute (Unix seconds).</summary>
public interface IKvBackend
{
    /// <summary>The value and metadata, or null when the key is absent or expired.</summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<KvStoredValue?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores the value under the key, replacing any value and metadata there.</summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="value">The value, at most 25 MiB.</param>
    /// <param name="expiration">When the value expires, in Unix seconds; null for never.</param>
    /// <param name="metadataJson">The metadata as JSON text, at most 1024 bytes; null for none.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task PutAsync(string key, ReadOnlyMemory<byte> value, long? expiration, string? metadataJson, CancellationToken cancellationToken);

    /// <summary>Deletes the key; a key that does not exist is no error.</summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keys in lexicographic (UTF-8 byte) order, live ones only, at most <paramref name="limit"/>.</summary>
    /// <param name="prefix">Only keys that start with this; null for every key.</param>
    /// <param name="limit">The page size, 1 to 1000.</param>
    /// <param name="cursor">The previous page's <see cref="KvListResult.Cursor"/>; null for the first page.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<KvListResult> ListAsync(string? prefix, int limit, string? cursor, CancellationToken cancellationToken);
}

/// <summary>A stored KV value as a backend returns it.</summary>
/// <param name="Value">The value's bytes.</param>
/// <param name="MetadataJson">The metadata as JSON text; null when none was stored.</param>
/// <param name="Expiration">When the value expires, in Unix seconds; null for never.</param>
public sealed record KvStoredValue(byte[] Value, string? MetadataJson, long? Expiration);

/// <summary>A D1 database. Statements arrive with their parameters already converted to D1's types.</summary>
public interface ID1Backend
{
    /// <summary>Runs one statement: its rows (possibly none) and its meta.</summary>
    /// <param name="statement">The SQL and its converted parameters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="WorkerException">The statement failed: <c>D1_ERROR: …</c> with SQLite's message.</exception>
    Task<D1RawResult> QueryAsync(D1Statement statement, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="QueryAsync"/>, but the column names must be there even when no row is (D1's
    /// <c>raw({ columnNames: true })</c>); the meta may be empty.
    /// </summary>
    /// <param name="statement">The SQL and its converted parameters.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<D1RawResult> QueryWithColumnsAsync(D1Statement statement, CancellationToken cancellationToken) => QueryAsync(statement, cancellationToken);

    /// <summary>Runs the statements in one transaction: all succeed, or none leaves a trace.</summary>
    /// <param name="statements">The statements, in order.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One result per statement, in order.</returns>
    Task<IReadOnlyList<D1RawResult>> BatchAsync(IReadOnlyList<D1Statement> statements, CancellationToken cancellationToken);

    /// <summary>Runs one or more semicolon-separated statements without parameters (migrations, set-up).</summary>
    /// <param name="sql">The statements.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken);
}

/// <summary>
/// One SQL statement and its parameters: null, long, double, string or byte[] (D1's types; bools are 1 and 0).
/// </summary>
/// <param name="Sql">The statement's SQL, with <c>?1</c>, <c>?2</c>, … (or plain <c>?</c>) for the parameters.</param>
/// <param name="Parameters">The values, in order.</param>
public sealed record D1Statement(string Sql, IReadOnlyList<object?> Parameters);

/// <summary>What a statement returned: column names, rows as arrays of JSON values in column order, and the meta.</summary>
/// <param name="Columns">The column names, in order.</param>
/// <param name="Rows">
/// One array per row, in column order: numbers, strings, null, and blobs as arrays of byte values.
/// </param>
/// <param name="Meta">What D1 reports about the statement.</param>
public sealed record D1RawResult(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows, D1Meta Meta);

/// <summary>An R2 bucket's storage. Keys and options arrive validated.</summary>
public interface IR2Backend
{
    /// <summary>
    /// The object with its body (or the range asked for) to read on demand; null when there is no such key.
    /// </summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="range">The bytes to read; null for the whole object. Offsets and lengths are not negative.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="WorkerException">The range starts past the object's end.</exception>
    Task<R2ObjectBody?> GetAsync(string key, R2Range? range, CancellationToken cancellationToken);

    /// <summary>The object's metadata without its body; null when there is no such key.</summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores the bytes under the key, replacing any object there.</summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="value">The object's bytes.</param>
    /// <param name="options">The metadata to store with it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored object's metadata.</returns>
    Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions options, CancellationToken cancellationToken);

    /// <summary>Uploads <see cref="R2UploadReader.Length"/> bytes read from <paramref name="body"/> as they come; the reader fails a body of another length.</summary>
    /// <param name="key">The key, already validated.</param>
    /// <param name="body">The bytes to store, read until <see cref="R2UploadReader.ReadAsync"/> returns 0.</param>
    /// <param name="options">The metadata to store with it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored object's metadata.</returns>
    Task<R2Object> PutAsync(string key, R2UploadReader body, R2PutOptions options, CancellationToken cancellationToken);

    /// <summary>Deletes the objects; keys that do not exist are skipped.</summary>
    /// <param name="keys">The keys, already validated.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// A page of objects in key order, with keys that hold <see cref="R2ListOptions.Delimiter"/> after the prefix
    /// folded into <see cref="R2Objects.DelimitedPrefixes"/>.
    /// </summary>
    /// <param name="options">The listing's options; <see cref="R2ListOptions.Limit"/> is null or 1 to 1000.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<R2Objects> ListAsync(R2ListOptions options, CancellationToken cancellationToken);
}

/// <summary>Where an <see cref="R2ObjectBody"/>'s bytes come from; <see cref="R2ObjectBody"/> stops at the body's length and disposes it once.</summary>
public interface IR2BodySource : IAsyncDisposable
{
    /// <summary>Reads at least one byte (no more than the buffer holds), or 0 at the end.</summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
