using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Interop;

/// <summary>An R2 bucket inside workerd (host/bindings.mjs, "r2.*"): bodies cross as bytes, metadata as JSON.</summary>
[SupportedOSPlatform("browser")]
internal sealed class JsR2Backend(JsBinding binding) : IR2Backend
{
    public async Task<R2ObjectBody?> GetAsync(string key, R2Range? range, CancellationToken cancellationToken)
    {
        var result = await binding.CallAsync("r2.get", w =>
        {
            w.WriteString("key", key);
            if (range is not null)
            {
                w.WritePropertyName("range");
                WriteRange(w, range);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var head = ReadObject(result);
        return new R2ObjectBody(head.Key, head.Size, head.ETag, head.Uploaded, binding.Take(result.GetProperty("body")))
        {
            HttpMetadata = head.HttpMetadata,
            CustomMetadata = head.CustomMetadata,
            Range = head.Range,
        };
    }

    public async Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var result = await binding.CallAsync("r2.head", w => w.WriteString("key", key), cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Null ? null : ReadObject(result);
    }

    public async Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions options, CancellationToken cancellationToken)
    {
        var arguments = JsBinding.Arguments(w =>
        {
            w.WriteString("key", key);
            if (options.HttpMetadata is { } http)
            {
                w.WriteStartObject("httpMetadata");
                WriteIfSet(w, "contentType", http.ContentType);
                WriteIfSet(w, "contentLanguage", http.ContentLanguage);
                WriteIfSet(w, "contentDisposition", http.ContentDisposition);
                WriteIfSet(w, "contentEncoding", http.ContentEncoding);
                WriteIfSet(w, "cacheControl", http.CacheControl);
                if (http.CacheExpiry is { } expiry)
                {
                    w.WriteString("cacheExpiry", expiry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            }

            if (options.CustomMetadata is { } custom)
            {
                w.WriteStartObject("customMetadata");
                foreach (var (name, value) in custom)
                {
                    w.WriteString(name, value);
                }

                w.WriteEndObject();
            }
        });
        return ReadObject(await binding.CallAsync("r2.put", arguments, value, cancellationToken).ConfigureAwait(false));
    }

    public Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        binding.CallAsync("r2.delete", w =>
        {
            w.WriteStartArray("keys");
            foreach (var key in keys)
            {
                w.WriteStringValue(key);
            }

            w.WriteEndArray();
        }, cancellationToken);

    public async Task<R2Objects> ListAsync(R2ListOptions options, CancellationToken cancellationToken)
    {
        var page = await binding.CallAsync("r2.list", w =>
        {
            WriteIfSet(w, "prefix", options.Prefix);
            WriteIfSet(w, "delimiter", options.Delimiter);
            WriteIfSet(w, "cursor", options.Cursor);
            if (options.Limit is { } limit)
            {
                w.WriteNumber("limit", limit);
            }
        }, cancellationToken).ConfigureAwait(false);

        var objects = page.GetProperty("objects").EnumerateArray().Select(ReadObject).ToList();
        var prefixes = page.GetProperty("delimitedPrefixes").EnumerateArray().Select(p => p.GetString()!).ToList();
        return new R2Objects(objects, prefixes, page.GetProperty("truncated").GetBoolean(), JsBinding.String(page, "cursor"));
    }

    private static void WriteRange(Utf8JsonWriter w, R2Range range)
    {
        w.WriteStartObject();
        if (range.Suffix is { } suffix)
        {
            w.WriteNumber("suffix", suffix);
        }
        else
        {
            w.WriteNumber("offset", range.Offset ?? 0);
            if (range.Length is { } length)
            {
                w.WriteNumber("length", length);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static R2Object ReadObject(JsonElement o)
    {
        var http = o.GetProperty("httpMetadata");
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsBinding.IsPresent(o, "customMetadata", out var c))
        {
            foreach (var property in c.EnumerateObject())
            {
                custom[property.Name] = property.Value.GetString() ?? "";
            }
        }

        R2Range? range = null;
        if (JsBinding.IsPresent(o, "range", out var r))
        {
            range = r.TryGetProperty("suffix", out _)
                ? new R2Range { Suffix = JsBinding.Int64(r, "suffix") }
                : new R2Range { Offset = JsBinding.Int64(r, "offset"), Length = r.TryGetProperty("length", out _) ? JsBinding.Int64(r, "length") : null };
        }

        return new R2Object(o.GetProperty("key").GetString()!, JsBinding.Int64(o, "size"), JsBinding.String(o, "etag") ?? "", Date(JsBinding.String(o, "uploaded")) ?? DateTimeOffset.UnixEpoch)
        {
            HttpMetadata = new R2HttpMetadata
            {
                ContentType = JsBinding.String(http, "contentType"),
                ContentLanguage = JsBinding.String(http, "contentLanguage"),
                ContentDisposition = JsBinding.String(http, "contentDisposition"),
                ContentEncoding = JsBinding.String(http, "contentEncoding"),
                CacheControl = JsBinding.String(http, "cacheControl"),
                CacheExpiry = Date(JsBinding.String(http, "cacheExpiry")),
            },
            CustomMetadata = custom,
            Range = range,
        };
    }

    private static DateTimeOffset? Date(string? iso) =>
        iso is not null && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}
