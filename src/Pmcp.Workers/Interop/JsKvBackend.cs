using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Interop;

/// <summary>A KV namespace inside workerd: the request's <c>env[binding]</c> (host/bindings.mjs, "kv.*").</summary>
[SupportedOSPlatform("browser")]
internal sealed class JsKvBackend(JsBinding binding) : IKvBackend
{
    public async Task<KvStoredValue?> GetAsync(string key, CancellationToken cancellationToken)
    {
        // The hot read: the key goes as plain text, and the value comes back as its own bytes with the completion,
        // followed by the metadata's JSON when there is some (the outcome's value is that JSON's length; -1: no key).
        var (metadataLength, bytes) = await binding.CallForBytesAsync("kv.get", key, default, cancellationToken).ConfigureAwait(false);
        if (metadataLength < 0 || bytes is null)
        {
            return null;
        }

        var valueLength = bytes.Length - metadataLength;
        var value = metadataLength == 0 ? bytes : bytes[..valueLength];
        var metadata = metadataLength == 0 ? null : Encoding.UTF8.GetString(bytes, valueLength, metadataLength);

        // Workers KV does not tell a reader when a value expires.
        return new KvStoredValue(value, metadata, null);
    }

    public Task PutAsync(string key, ReadOnlyMemory<byte> value, long? expiration, string? metadataJson, CancellationToken cancellationToken) =>
        binding.CallAsync("kv.put", JsBinding.Arguments(w =>
        {
            w.WriteString("key", key);
            if (expiration is { } at)
            {
                w.WriteNumber("expiration", at);
            }

            if (metadataJson is not null)
            {
                w.WritePropertyName("metadata");
                w.WriteRawValue(metadataJson);
            }
        }), value, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        binding.CallAsync("kv.delete", w => w.WriteString("key", key), cancellationToken);

    public async Task<KvListResult> ListAsync(string? prefix, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var page = await binding.CallAsync("kv.list", w =>
        {
            w.WriteNumber("limit", limit);
            if (prefix is not null)
            {
                w.WriteString("prefix", prefix);
            }

            if (cursor is not null)
            {
                w.WriteString("cursor", cursor);
            }
        }, cancellationToken).ConfigureAwait(false);

        var keys = new List<KvKey>();
        foreach (var key in page.GetProperty("keys").EnumerateArray())
        {
            keys.Add(new KvKey(key.GetProperty("name").GetString()!)
            {
                Expiration = JsBinding.IsPresent(key, "expiration", out _) ? JsBinding.Int64(key, "expiration") : null,
                Metadata = JsBinding.IsPresent(key, "metadata", out var m) ? m : null,
            });
        }

        return new KvListResult(keys, page.GetProperty("list_complete").GetBoolean(), JsBinding.String(page, "cursor"));
    }
}
