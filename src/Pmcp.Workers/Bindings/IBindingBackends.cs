using System.Text.Json;

namespace Pmcp.Workers.Bindings;

// The backends behind the binding types: one implementation talks to workerd's real bindings through the JS host,
// the other (Pmcp.Workers.Local) stores everything on this machine. The public types (KvNamespace, D1Database,
// R2Bucket) validate arguments and apply Cloudflare's limits before a backend is called, so both behave alike.

/// <summary>A KV namespace's storage. Keys and values arrive validated; expirations are absolute (Unix seconds).</summary>
public interface IKvBackend
{
    /// <summary>The value and metadata, or null when the key is absent or expired.</summary>
    Task<KvStoredValue?> GetAsync(string key, CancellationToken cancellationToken);

    Task PutAsync(string key, ReadOnlyMemory<byte> value, long? expiration, string? metadataJson, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keys in lexicographic (UTF-8 byte) order, live ones only, at most <paramref name="limit"/>.</summary>
    Task<KvListResult> ListAsync(string? prefix, int limit, string? cursor, CancellationToken cancellationToken);
}

/// <summary>A stored KV value as a backend returns it.</summary>
public sealed record KvStoredValue(byte[] Value, string? MetadataJson, long? Expiration);

/// <summary>A D1 database. Statements arrive with their parameters already converted to D1's types.</summary>
public interface ID1Backend
{
    Task<D1RawResult> QueryAsync(D1Statement statement, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="QueryAsync"/>, but the column names must be there even when no row is (D1's
    /// <c>raw({ columnNames: true })</c>); the meta may be empty.
    /// </summary>
    Task<D1RawResult> QueryWithColumnsAsync(D1Statement statement, CancellationToken cancellationToken) => QueryAsync(statement, cancellationToken);

    /// <summary>Runs the statements in one transaction: all succeed, or none leaves a trace.</summary>
    Task<IReadOnlyList<D1RawResult>> BatchAsync(IReadOnlyList<D1Statement> statements, CancellationToken cancellationToken);

    /// <summary>Runs one or more semicolon-separated statements without parameters (migrations, set-up).</summary>
    Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken);
}

/// <summary>
/// One SQL statement and its parameters: null, long, double, string or byte[] (D1's types; bools are 1 and 0).
/// </summary>
public sealed record D1Statement(string Sql, IReadOnlyList<object?> Parameters);

/// <summary>What a statement returned: column names, rows as arrays of JSON values in column order, and the meta.</summary>
public sealed record D1RawResult(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows, D1Meta Meta);

/// <summary>An R2 bucket's storage. Keys and options arrive validated.</summary>
public interface IR2Backend
{
    Task<R2ObjectBody?> GetAsync(string key, R2Range? range, CancellationToken cancellationToken);

    Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken);

    Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions options, CancellationToken cancellationToken);

    /// <summary>Uploads <see cref="R2UploadReader.Length"/> bytes read from <paramref name="body"/> as they come; the reader fails a body of another length.</summary>
    Task<R2Object> PutAsync(string key, R2UploadReader body, R2PutOptions options, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    Task<R2Objects> ListAsync(R2ListOptions options, CancellationToken cancellationToken);
}

/// <summary>Where an <see cref="R2ObjectBody"/>'s bytes come from; <see cref="R2ObjectBody"/> stops at the body's length and disposes it once.</summary>
public interface IR2BodySource : IAsyncDisposable
{
    /// <summary>Reads at least one byte (no more than the buffer holds), or 0 at the end.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
