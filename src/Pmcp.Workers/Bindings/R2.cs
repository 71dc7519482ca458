using System.Text;

namespace Pmcp.Workers.Bindings;

/// <summary>An R2 bucket (<c>env.Bucket("STORAGE")</c>): object storage with HTTP and custom metadata.</summary>
public sealed class R2Bucket(string name, IR2Backend backend)
{
    public const int MaxKeyBytes = 1024;
    public const int MaxListLimit = 1000;

    public string Name { get; } = name;

    /// <summary>The object and its body (or the requested range of it); null when there is no such key.</summary>
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

/// <summary>An object with its body.</summary>
public sealed record R2ObjectBody(string Key, long Size, string ETag, DateTimeOffset Uploaded, byte[] Body) : R2Object(Key, Size, ETag, Uploaded)
{
    public string Text() => Encoding.UTF8.GetString(Body);
}

public sealed record R2Objects(IReadOnlyList<R2Object> Objects, IReadOnlyList<string> DelimitedPrefixes, bool Truncated, string? Cursor);
