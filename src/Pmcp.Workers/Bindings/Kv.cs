using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Bindings;

/// <summary>
/// A Workers KV namespace (<c>env.Kv("CACHE")</c>): eventually consistent key-value storage. Cloudflare's rules apply
/// in every host: keys are 1–512 UTF-8 bytes (not "." or ".."), values at most 25 MiB, metadata at most 1024 bytes
/// of JSON, and a value must live at least 60 seconds.
/// </summary>
public sealed class KvNamespace(string name, IKvBackend backend)
{
    public const int MaxKeyBytes = 512;
    public const int MaxValueBytes = 25 * 1024 * 1024;
    public const int MaxMetadataBytes = 1024;
    public const int MinExpirationTtlSeconds = 60;
    public const int MaxListLimit = 1000;

    /// <summary>The binding's name in wrangler.toml.</summary>
    public string Name { get; } = name;

    public async Task<string?> GetTextAsync(string key, CancellationToken cancellationToken = default) =>
        await GetBytesAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public async Task<byte[]?> GetBytesAsync(string key, CancellationToken cancellationToken = default) =>
        (await backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false))?.Value;

    /// <summary>The value parsed as JSON into <typeparamref name="T"/>; null when the key is absent.</summary>
    public async Task<T?> GetJsonAsync<T>(string key, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        await GetBytesAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes ? JsonSerializer.Deserialize(bytes, typeInfo) : default;

    /// <summary>The value with the metadata it was stored with; null when the key is absent.</summary>
    public async Task<KvEntry?> GetWithMetadataAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = await backend.GetAsync(CheckKey(key), cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new KvEntry(stored.Value, ParseMetadata(stored.MetadataJson));
    }

    public Task PutAsync(string key, string value, KvPutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(key, Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value))), options, cancellationToken);

    public Task PutJsonAsync<T>(string key, T value, JsonTypeInfo<T> typeInfo, KvPutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), options, cancellationToken);

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

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => backend.DeleteAsync(CheckKey(key), cancellationToken);

    /// <summary>A page of keys (live ones, in order); pass <see cref="KvListResult.Cursor"/> back for the next page.</summary>
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

public sealed record KvListOptions
{
    public string? Prefix { get; init; }

    /// <summary>Keys per page, 1 to 1000 (default 1000).</summary>
    public int? Limit { get; init; }

    public string? Cursor { get; init; }
}

/// <summary>A page of keys. <see cref="ListComplete"/> is false while more pages follow; pass <see cref="Cursor"/> back.</summary>
public sealed record KvListResult(IReadOnlyList<KvKey> Keys, bool ListComplete, string? Cursor);

public sealed record KvKey(string Name)
{
    /// <summary>Unix seconds when the key expires, if it does.</summary>
    public long? Expiration { get; init; }

    public JsonElement? Metadata { get; init; }
}

/// <summary>A value read with its metadata.</summary>
public sealed record KvEntry(byte[] Value, JsonElement? Metadata)
{
    public string Text => Encoding.UTF8.GetString(Value);
}
