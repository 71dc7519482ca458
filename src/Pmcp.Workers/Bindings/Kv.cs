using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Bindings;

/// <summary>
/// A Workers KV namespace (<c>env.Kv("CACHE")</c>): eventually consistent key-value storage. Cloudflare's rules apply
/// in every host: keys are 1–512 UTF-8 bytes (not "." or ".."), values at most 25 MiB, metadata at most 1024 bytes
/// of JSON, and a value must live at least 60 seconds.
/// </summary>
/// <param name="name">The binding's name in wrangler.toml.</param>
/// <param name="backend">The storage behind the namespace: workerd's KV binding, or a local SQLite file.</param>
public sealed class KvNamespace(string name, IKvBackend backend)
{
    /// <summary>The longest key KV accepts, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 512;

    /// <summary>The largest value KV accepts, in bytes (25 MiB).</summary>
    public const int MaxValueBytes = 25 * 1024 * 1024;

    /// <summary>The most metadata KV stores with a value, in bytes of JSON.</summary>
    public const int MaxMetadataBytes = 1024;

    /// <summary>The shortest life KV gives a value, in seconds: KV's minimum <c>expirationTtl</c>.</summary>
    public const int MinExpirationTtlSeconds = 60;

    /// <summary>The most keys one <see cref="ListAsync"/> page holds (KV list's <c>limit</c>).</summary>
    public const int MaxListLimit = 1000;

    /// <summary>The binding's name in wrangler.toml.</summary>
    public string Name { get; } = name;

    /// <summary>The value as UTF-8 text; null when the key is absent or expired.</summary>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The key is empty, <c>"."</c>, <c>".."</c> or over 512 UTF-8 bytes.</exception>
    public async Task<string?> GetTextAsync(string key, CancellationToken cancellationToken = default) =>
        (await backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false))?.Value is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The value's bytes; null when the key is absent or expired.</summary>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The key is empty, <c>"."</c>, <c>".."</c> or over 512 UTF-8 bytes.</exception>
    public async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken = default) =>
        (await backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false))?.Value;

    /// <summary>The value parsed as JSON into <typeparamref name="T"/>; null when the key is absent.</summary>
    /// <typeparam name="T">The type the value was stored as.</typeparam>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="typeInfo">
    /// The type's source-generated JSON metadata, such as <c>MyJson.Default.Settings</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The key is empty, <c>"."</c>, <c>".."</c> or over 512 UTF-8 bytes.</exception>
    /// <exception cref="JsonException">The stored value is not JSON of <typeparamref name="T"/>'s shape.</exception>
    public async Task<T?> GetJsonAsync<T>(string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        (await backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false))?.Value is { } bytes ? JsonSerializer.Deserialize(bytes, typeInfo) : default;

    /// <summary>The value with the metadata it was stored with; null when the key is absent.</summary>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The key is empty, <c>"."</c>, <c>".."</c> or over 512 UTF-8 bytes.</exception>
    public async Task<KvEntry?> GetWithMetadataAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = await backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new KvEntry(stored.Value, ParseMetadata(stored.MetadataJson));
    }

    /// <summary>Stores <paramref name="value"/> as UTF-8 under the key, replacing any value there.</summary>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="value">The text to store.</param>
    /// <param name="options">The value's expiration and metadata; null for a value that never expires.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The key is invalid, the value is over 25 MiB, the metadata is over 1024 bytes of JSON, or the expiration is
    /// less than 60 seconds away.
    /// </exception>
    public Task PutAsync(string key, string value, KvPutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(key, Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value))), options, cancellationToken);

    /// <summary>Stores <paramref name="value"/> serialized as JSON under the key, replacing any value there.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="value">The value to serialize.</param>
    /// <param name="typeInfo">
    /// The type's source-generated JSON metadata, such as <c>MyJson.Default.Settings</c>.
    /// </param>
    /// <param name="options">The value's expiration and metadata; null for a value that never expires.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The key is invalid, the value is over 25 MiB, the metadata is over 1024 bytes of JSON, or the expiration is
    /// less than 60 seconds away.
    /// </exception>
    public Task PutJsonAsync<T>(string key, T value, JsonTypeInfo<T> typeInfo, KvPutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), options, cancellationToken);

    /// <summary>
    /// Stores <paramref name="value"/> under the key, replacing any value there. KV is eventually consistent: other
    /// locations may see the old value for 60 seconds or more.
    /// </summary>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="value">The bytes to store, at most 25 MiB.</param>
    /// <param name="options">The value's expiration and metadata; null for a value that never expires.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The key is invalid, the value is over 25 MiB, the metadata is over 1024 bytes of JSON, or the expiration is
    /// less than 60 seconds away.
    /// </exception>
    public Task PutAsync(string key, ReadOnlyMemory<byte> value, KvPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        if (value.Length > MaxValueBytes)
        {
            throw new WorkerException($"KV value for '{key}' is {value.Length} bytes; Workers KV takes at most {MaxValueBytes} (25 MiB). Store large objects in R2.");
        }

        var expiration = Expiration(options);
        string? metadata = null;
        if (options?.Metadata is { } element)
        {
            metadata = element.GetRawText();
            if (Encoding.UTF8.GetByteCount(metadata) > MaxMetadataBytes)
            {
                throw new WorkerException($"KV metadata for '{key}' is over {MaxMetadataBytes} bytes of JSON; keep it small (it is listed with every key).");
            }
        }

        return backend.PutAsync(key, value, expiration, metadata, cancellationToken);
    }

    /// <summary>Deletes the key; deleting a key that does not exist is no error.</summary>
    /// <param name="key">The key, 1 to 512 UTF-8 bytes, not <c>"."</c> or <c>".."</c>.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The key is empty, <c>"."</c>, <c>".."</c> or over 512 UTF-8 bytes.</exception>
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => backend.DeleteAsync(CheckKey(key), cancellationToken);

    /// <summary>A page of keys (live ones, in order); pass <see cref="KvListResult.Cursor"/> back for the next page.</summary>
    /// <param name="options">The prefix, page size and cursor; null lists from the start, 1000 at a time.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException"><see cref="KvListOptions.Limit"/> is not between 1 and 1000.</exception>
    public Task<KvListResult> ListAsync(KvListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var limit = options?.Limit ?? MaxListLimit;
        if (limit is < 1 or > MaxListLimit)
        {
            throw new WorkerException($"KV list limit must be between 1 and {MaxListLimit}; got {limit}.");
        }

        return backend.ListAsync(options?.Prefix, limit, options?.Cursor, cancellationToken);
    }

    private static string CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key is "." or ".." || Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new WorkerException($"Invalid KV key '{(key.Length > 40 ? key[..40] + "…" : key)}': keys are 1 to {MaxKeyBytes} UTF-8 bytes and not \".\" or \"..\".");
        }

        return key;
    }

    private static long? Expiration(KvPutOptions? options)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (options?.ExpirationTtl is { } ttl)
        {
            return ttl >= MinExpirationTtlSeconds
                ? now + ttl
                : throw new WorkerException($"KV expirationTtl must be at least {MinExpirationTtlSeconds} seconds; got {ttl}.");
        }

        if (options?.Expiration is { } at)
        {
            var seconds = at.ToUnixTimeSeconds();
            return seconds >= now + MinExpirationTtlSeconds
                ? seconds
                : throw new WorkerException($"KV expiration must be at least {MinExpirationTtlSeconds} seconds in the future; got {at:O}.");
        }

        return null;
    }

    private static JsonElement? ParseMetadata(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>How long a KV value lives, and the metadata stored with it.</summary>
public sealed record KvPutOptions
{
    /// <summary>Seconds from now (at least 60).</summary>
    public long? ExpirationTtl { get; init; }

    /// <summary>An absolute expiry (at least 60 seconds away).</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>A small JSON value (≤ 1024 bytes) returned with the value and in listings.</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary>Which page of keys <see cref="KvNamespace.ListAsync"/> returns.</summary>
public sealed record KvListOptions
{
    /// <summary>Only keys that start with this; null for every key.</summary>
    public string? Prefix { get; init; }

    /// <summary>Keys per page, 1 to 1000 (default 1000).</summary>
    public int? Limit { get; init; }

    /// <summary>The <see cref="KvListResult.Cursor"/> of the previous page; null for the first page.</summary>
    public string? Cursor { get; init; }
}

/// <summary>A page of keys. <see cref="ListComplete"/> is false while more pages follow; pass <see cref="Cursor"/> back.</summary>
/// <param name="Keys">The keys on this page, in UTF-8 byte order.</param>
/// <param name="ListComplete">Whether this is the last page.</param>
/// <param name="Cursor">Where the next page starts; null on the last page.</param>
public sealed record KvListResult(IReadOnlyList<KvKey> Keys, bool ListComplete, string? Cursor);

/// <summary>A key as a listing gives it: its name, expiration and metadata, without the value.</summary>
/// <param name="Name">The key.</param>
public sealed record KvKey(string Name)
{
    /// <summary>Unix seconds when the key expires, if it does.</summary>
    public long? Expiration { get; init; }

    /// <summary>The metadata stored with the value (<see cref="KvPutOptions.Metadata"/>); null when none was.</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary>A value read with its metadata.</summary>
/// <param name="Value">The value's bytes.</param>
/// <param name="Metadata">
/// The metadata stored with the value (<see cref="KvPutOptions.Metadata"/>); null when none was.
/// </param>
public sealed record KvEntry(byte[] Value, JsonElement? Metadata)
{
    /// <summary>The value decoded as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Value);
}
