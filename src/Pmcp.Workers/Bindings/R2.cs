using System.Text;

namespace Pmcp.Workers.Bindings;

/// <summary>An R2 bucket (<c>env.Bucket("STORAGE")</c>): object storage with HTTP and custom metadata.</summary>
/// <param name="name">The binding's name in wrangler.toml.</param>
/// <param name="backend">The storage behind the bucket: workerd's R2 binding, or local files.</param>
public sealed class R2Bucket(string name, IR2Backend backend)
{
    /// <summary>The longest key R2 accepts, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>The most objects one <see cref="ListAsync"/> page holds (R2 list's <c>limit</c>).</summary>
    public const int MaxListLimit = 1000;

    /// <summary>The binding's name in wrangler.toml.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// The object and its body (or the requested range of it) as a stream read on demand; null when there is no such
    /// key. Dispose the result when the body is not read to the end: inside workerd it holds the object's stream open.
    /// </summary>
    /// <param name="key">The object's key, 1 to 1024 UTF-8 bytes.</param>
    /// <param name="range">The bytes to read (R2 get's <c>range</c>); null reads the whole object.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The key is empty or longer than <see cref="MaxKeyBytes"/> UTF-8 bytes, a range offset, length or suffix is
    /// negative, or the range starts past the object's end.
    /// </exception>
    public Task<R2ObjectBody?> GetAsync(string key, R2Range? range = null, CancellationToken cancellationToken = default)
    {
        if (range is { Offset: < 0 } or { Length: < 0 } or { Suffix: < 0 })
        {
            throw new WorkerException("R2 range offsets and lengths cannot be negative.");
        }

        return backend.GetAsync(CheckKey(key), range, cancellationToken);
    }

    /// <summary>The object's metadata without its body; null when there is no such key.</summary>
    /// <param name="key">The object's key, 1 to 1024 UTF-8 bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The key is empty or longer than <see cref="MaxKeyBytes"/> UTF-8 bytes.
    /// </exception>
    public Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken = default) => backend.HeadAsync(CheckKey(key), cancellationToken);

    /// <summary>Stores <paramref name="value"/> under the key, replacing any object there.</summary>
    /// <param name="key">The object's key, 1 to 1024 UTF-8 bytes.</param>
    /// <param name="value">The object's bytes.</param>
    /// <param name="options">The HTTP and custom metadata to store with the object; null for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>The stored object's metadata (size, ETag, upload time).</returns>
    /// <exception cref="WorkerException">
    /// The key is empty or longer than <see cref="MaxKeyBytes"/> UTF-8 bytes.
    /// </exception>
    public Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions? options = null, CancellationToken cancellationToken = default) =>
        backend.PutAsync(CheckKey(key), value, options ?? new R2PutOptions(), cancellationToken);

    /// <summary>
    /// Uploads the stream's bytes. With <paramref name="length"/>, the bytes go out as they are read (inside workerd a
    /// <c>FixedLengthStream</c>, the only streamed body R2's put accepts), so an object larger than the Worker's memory can
    /// be stored; the stream must yield exactly that many bytes, or the put fails and nothing is stored. Without it, the
    /// whole stream is first read into memory, because R2 needs to know a streamed body's length up front.
    /// </summary>
    /// <param name="key">The object's key, 1 to 1024 UTF-8 bytes.</param>
    /// <param name="body">The bytes to store, read once from the current position.</param>
    /// <param name="length">How many bytes <paramref name="body"/> holds, or null to buffer it and count.</param>
    /// <param name="options">The HTTP and custom metadata to store with the object; null for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>The stored object's metadata (size, ETag, upload time).</returns>
    /// <exception cref="WorkerException">
    /// The key is invalid, <paramref name="length"/> is negative, or the stream holds fewer or more bytes than
    /// <paramref name="length"/> (then nothing is stored).
    /// </exception>
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

    /// <summary>Stores <paramref name="value"/> as UTF-8 under the key, replacing any object there.</summary>
    /// <param name="key">The object's key, 1 to 1024 UTF-8 bytes.</param>
    /// <param name="value">The object's text.</param>
    /// <param name="options">
    /// The HTTP and custom metadata to store with the object (set <see cref="R2HttpMetadata.ContentType"/> for
    /// text served over HTTP); null for none.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>The stored object's metadata (size, ETag, upload time).</returns>
    /// <exception cref="WorkerException">
    /// The key is empty or longer than <see cref="MaxKeyBytes"/> UTF-8 bytes.
    /// </exception>
    public Task<R2Object> PutAsync(string key, string value, R2PutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(key, Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value))), options, cancellationToken);

    /// <summary>Deletes the object under the key; deleting a key that does not exist is no error.</summary>
    /// <param name="key">The object's key, 1 to 1024 UTF-8 bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The key is empty or longer than <see cref="MaxKeyBytes"/> UTF-8 bytes.
    /// </exception>
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => backend.DeleteAsync([CheckKey(key)], cancellationToken);

    /// <summary>Deletes several objects in one call; keys that do not exist are skipped.</summary>
    /// <param name="keys">The objects' keys, each 1 to 1024 UTF-8 bytes.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// A key is empty or longer than <see cref="MaxKeyBytes"/> UTF-8 bytes.
    /// </exception>
    public Task DeleteAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) =>
        backend.DeleteAsync([.. (keys ?? throw new ArgumentNullException(nameof(keys))).Select(CheckKey)], cancellationToken);

    /// <summary>A page of objects in key order; with a delimiter, keys below it are folded into <see cref="R2Objects.DelimitedPrefixes"/>.</summary>
    /// <param name="options">
    /// The prefix, delimiter, cursor and page size; null lists from the start, 1000 at a time.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException"><see cref="R2ListOptions.Limit"/> is not between 1 and 1000.</exception>
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
    /// <summary>The first byte to read, from 0; null for the start.</summary>
    public long? Offset { get; init; }

    /// <summary>
    /// How many bytes to read from <see cref="Offset"/>; null (or more than remain) reads to the end.
    /// </summary>
    public long? Length { get; init; }

    /// <summary>
    /// Read the last this many bytes (the whole object when it is shorter); set it without the others.
    /// </summary>
    public long? Suffix { get; init; }
}

/// <summary>
/// The HTTP headers stored with an R2 object (R2's <c>httpMetadata</c>), for serving it over HTTP; every member is
/// optional.
/// </summary>
public sealed record R2HttpMetadata
{
    /// <summary>The <c>Content-Type</c>, such as <c>image/png</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The <c>Content-Language</c>, such as <c>en</c>.</summary>
    public string? ContentLanguage { get; init; }

    /// <summary>The <c>Content-Disposition</c>, such as <c>attachment; filename="report.pdf"</c>.</summary>
    public string? ContentDisposition { get; init; }

    /// <summary>The <c>Content-Encoding</c> the stored bytes are in, such as <c>gzip</c>.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>The <c>Cache-Control</c>, such as <c>public, max-age=3600</c>.</summary>
    public string? CacheControl { get; init; }

    /// <summary>When a cached copy expires: the <c>Expires</c> header.</summary>
    public DateTimeOffset? CacheExpiry { get; init; }
}

/// <summary>
/// What <see cref="R2Bucket.PutAsync(string, ReadOnlyMemory{byte}, R2PutOptions?, CancellationToken)"/> stores with the
/// bytes.
/// </summary>
public sealed record R2PutOptions
{
    /// <summary>The HTTP headers to store with the object; null for none.</summary>
    public R2HttpMetadata? HttpMetadata { get; init; }

    /// <summary>Your own string pairs, returned with the object (R2's <c>customMetadata</c>); null for none.</summary>
    public IReadOnlyDictionary<string, string>? CustomMetadata { get; init; }
}

/// <summary>Which page of objects <see cref="R2Bucket.ListAsync"/> returns.</summary>
public sealed record R2ListOptions
{
    /// <summary>Only keys that start with this; null for every key.</summary>
    public string? Prefix { get; init; }

    /// <summary>
    /// Folds keys that contain this after <see cref="Prefix"/> (usually <c>"/"</c>) into one entry of
    /// <see cref="R2Objects.DelimitedPrefixes"/> each, as folders; null lists every key.
    /// </summary>
    public string? Delimiter { get; init; }

    /// <summary>The <see cref="R2Objects.Cursor"/> of the previous page; null for the first page.</summary>
    public string? Cursor { get; init; }

    /// <summary>Objects per page, 1 to 1000 (default 1000).</summary>
    public int? Limit { get; init; }
}

/// <summary>An object's metadata.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">The whole object's size in bytes (not the range's, for a ranged get).</param>
/// <param name="ETag">
/// The object's entity tag, without quotes: for a single-part upload, the MD5 of its bytes in hex.
/// </param>
/// <param name="Uploaded">When the object was stored.</param>
public record R2Object(string Key, long Size, string ETag, DateTimeOffset Uploaded)
{
    /// <summary>The HTTP headers stored with the object; empty members when none were.</summary>
    public R2HttpMetadata HttpMetadata { get; init; } = new();

    /// <summary>The string pairs stored with the object (R2's <c>customMetadata</c>); empty when none were.</summary>
    public IReadOnlyDictionary<string, string> CustomMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The range that was read, for a ranged get.</summary>
    public R2Range? Range { get; init; }
}

/// <summary>
/// A page of an R2 listing. While <see cref="Truncated"/> is true, pass <see cref="Cursor"/> back for the next.
/// </summary>
/// <param name="Objects">The objects on this page, in key order.</param>
/// <param name="DelimitedPrefixes">
/// With a <see cref="R2ListOptions.Delimiter"/>: the distinct key prefixes up to and including the delimiter, like
/// folders; empty without one.
/// </param>
/// <param name="Truncated">Whether more objects follow this page.</param>
/// <param name="Cursor">Where the next page starts; null when <see cref="Truncated"/> is false.</param>
public sealed record R2Objects(IReadOnlyList<R2Object> Objects, IReadOnlyList<string> DelimitedPrefixes, bool Truncated, string? Cursor);
