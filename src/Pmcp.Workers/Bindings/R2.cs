using System.Text;

namespace Pmcp.Workers.Bindings;

/// <summary>An R2 bucket (<c>env.Bucket("STORAGE")</c>): object storage with HTTP and custom metadata.</summary>
public sealed class R2Bucket(string name, IR2Backend backend)
{
    public const int MaxKeyBytes = 1024;
    public const int MaxListLimit = 1000;

    public string Name { get; } = name;

    /// <summary>
    /// The object and its body (or the requested range of it) as a stream read on demand; null when there is no such
    /// key. Dispose the result when the body is not read to the end: inside workerd it holds the object's stream open.
    /// </summary>
    public Task<R2ObjectBody?> GetAsync(string key, R2Range? range = null, CancellationToken cancellationToken = default)
    {
        if (range is { Offset: < 0 } or { Length: < 0 } or { Suffix: < 0 })
        {
            throw new WorkerException("R2 range offsets and lengths cannot be negative.");
        }

        return backend.GetAsync(CheckKey(key), range, cancellationToken);
    }

    /// <summary>The object's metadata without its body; null when there is no such key.</summary>
    public Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken = default) => backend.HeadAsync(CheckKey(key), cancellationToken);

    public Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions? options = null, CancellationToken cancellationToken = default) =>
        backend.PutAsync(CheckKey(key), value, options ?? new R2PutOptions(), cancellationToken);

    /// <summary>
    /// Uploads the stream's bytes. With <paramref name="length"/>, the bytes go out as they are read (inside workerd a
    /// <c>FixedLengthStream</c>, the only streamed body R2's put accepts), so an object larger than the Worker's memory can
    /// be stored; the stream must yield exactly that many bytes, or the put fails and nothing is stored. Without it, the
    /// whole stream is first read into memory, because R2 needs to know a streamed body's length up front.
    /// </summary>
    public async Task<R2Object> PutAsync(string key, Stream body, long? length, R2PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        key = CheckKey(key);
        options ??= new R2PutOptions();
        if (length is null)
        {
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return await backend.PutAsync(key, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), options, cancellationToken).ConfigureAwait(false);
        }

        if (length < 0)
        {
            throw new WorkerException($"R2 put of '{key}': the length cannot be negative; got {length}.");
        }

        return await backend.PutAsync(key, new R2UploadReader(key, body, length.Value), options, cancellationToken).ConfigureAwait(false);
    }

    public Task<R2Object> PutAsync(string key, string value, R2PutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(key, Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value))), options, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => backend.DeleteAsync([CheckKey(key)], cancellationToken);

    public Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        backend.DeleteAsync([.. (keys ?? throw new ArgumentNullException(nameof(keys))).Select(CheckKey)], cancellationToken);

    /// <summary>A page of objects in key order; with a delimiter, keys below it are folded into <see cref="R2Objects.DelimitedPrefixes"/>.</summary>
    public Task<R2Objects> ListAsync(R2ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new R2ListOptions();
        if (options.Limit is < 1 or > MaxListLimit)
        {
            throw new WorkerException($"R2 list limit must be between 1 and {MaxListLimit}; got {options.Limit}.");
        }

        return backend.ListAsync(options, cancellationToken);
    }

    private static string CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length > 0 && Encoding.UTF8.GetByteCount(key) <= MaxKeyBytes
            ? key
            : throw new WorkerException($"Invalid R2 key: keys are 1 to {MaxKeyBytes} UTF-8 bytes.");
    }
}

/// <summary>A byte range: <see cref="Offset"/> and optional <see cref="Length"/>, or the last <see cref="Suffix"/> bytes.</summary>
public sealed record R2Range
{
    public long? Offset { get; init; }

    public long? Length { get; init; }

    public long? Suffix { get; init; }
}

public sealed record R2HttpMetadata
{
    public string? ContentType { get; init; }
    public string? ContentLanguage { get; init; }
    public string? ContentDisposition { get; init; }
    public string? ContentEncoding { get; init; }
    public string? CacheControl { get; init; }
    public DateTimeOffset? CacheExpiry { get; init; }
}

public sealed record R2PutOptions
{
    public R2HttpMetadata? HttpMetadata { get; init; }

    public IReadOnlyDictionary<string, string>? CustomMetadata { get; init; }
}

public sealed record R2ListOptions
{
    public string? Prefix { get; init; }

    public string? Delimiter { get; init; }

    public string? Cursor { get; init; }

    /// <summary>Objects per page, 1 to 1000 (default 1000).</summary>
    public int? Limit { get; init; }
}

/// <summary>An object's metadata.</summary>
public record R2Object(string Key, long Size, string ETag, DateTimeOffset Uploaded)
{
    public R2HttpMetadata HttpMetadata { get; init; } = new();

    public IReadOnlyDictionary<string, string> CustomMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The range that was read, for a ranged get.</summary>
    public R2Range? Range { get; init; }
}


public sealed record R2Objects(IReadOnlyList<R2Object> Objects, IReadOnlyList<string> DelimitedPrefixes, bool Truncated, string? Cursor);
