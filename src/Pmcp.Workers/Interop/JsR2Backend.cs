using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Interop;

/// <summary>
/// An R2 bucket inside workerd: head, list, delete and byte puts through host/bindings.mjs ("r2.*"); gets and streamed
/// puts through host/r2streams.mjs, whose bodies stay in workerd and cross in chunks. Metadata crosses as JSON.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsR2Backend(JsBinding binding) : IR2Backend
{
    // The size of each write into the upload: large enough to keep the round trips through the inbox few, small next to a Worker's memory.
    private const int ChunkSize = 256 * 1024;

    /// <summary>
    /// Gets the object in the request's own context (its body stream belongs to that request) and leaves the body in
    /// workerd, to be read chunk by chunk (<see cref="JsR2Body"/>).
    /// </summary>
    public async Task<R2ObjectBody?> GetAsync(string key, R2Range? range, CancellationToken cancellationToken)
    {
        var arguments = JsBinding.Arguments(w =>
        {
            w.WriteString("key", key);
            if (range is not null)
            {
                w.WritePropertyName("range");
                WriteRange(w, range);
            }
        });
        var id = await RunAsync("get", op => JsHost.R2Get(binding.RequestId, op, binding.Name, arguments), cancellationToken).ConfigureAwait(false);
        if (id == 0)
        {
            return null;
        }

        var head = ReadObject(Result(id));
        return new R2ObjectBody(head, BodyLength(head), new JsR2Body(binding.RequestId, id, key));
    }

    public async Task<R2Object?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var result = await binding.CallAsync("r2.head", w => w.WriteString("key", key), cancellationToken).ConfigureAwait(false);
        return result.ValueKind == JsonValueKind.Null ? null : ReadObject(result);
    }

    public async Task<R2Object> PutAsync(string key, ReadOnlyMemory<byte> value, R2PutOptions options, CancellationToken cancellationToken) =>
        ReadObject(await binding.CallAsync("r2.put", PutArguments(key, options), value, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Streams the body into a <c>FixedLengthStream</c> whose readable side <c>bucket.put</c> consumes, one chunk at a
    /// time: each write waits for R2 to take the bytes, so no more than a chunk is held on either side.
    /// </summary>
    public async Task<R2Object> PutAsync(string key, R2UploadReader body, R2PutOptions options, CancellationToken cancellationToken)
    {
        var requestId = binding.RequestId;
        var arguments = PutArguments(key, options);
        var upload = await RunAsync("put", op => JsHost.R2PutStart(requestId, op, binding.Name, arguments, body.Length), cancellationToken).ConfigureAwait(false);
        try
        {
            var buffer = new byte[ChunkSize];
            int count;
            while ((count = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var chunk = new ArraySegment<byte>(buffer, 0, count);
                await RunAsync("put", op => JsHost.R2PutWrite(requestId, op, upload, chunk), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Abort, so that R2 stores nothing; the caller learns the first failure, not the abort's.
            try
            {
                await HostOperations.RunAsync(op => JsHost.R2PutEnd(requestId, op, upload, e.Message), CancellationToken.None).ConfigureAwait(false);
            }
            catch (HostOperationException)
            {
            }

            throw;
        }

        await RunAsync("put", op => JsHost.R2PutEnd(requestId, op, upload, null), cancellationToken).ConfigureAwait(false);
        return ReadObject(Result(upload));
    }

    private static string PutArguments(string key, R2PutOptions options) => JsBinding.Arguments(w =>
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

    /// <summary>Runs a streamed operation in the request's context; a failure reads as the other operations' do.</summary>
    private async Task<int> RunAsync(string operation, Func<int, string?> submit, CancellationToken cancellationToken)
    {
        try
        {
            return await HostOperations.RunAsync(submit, cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            throw new WorkerException($"r2 '{binding.Name}' {operation}: {e.Message}", e);
        }
    }

    private JsonElement Result(int id)
    {
        using var document = JsonDocument.Parse(JsHost.R2Result(binding.RequestId, id) ?? throw new WorkerException($"r2 '{binding.Name}': the host returned no object."));
        return document.RootElement.Clone();
    }

    /// <summary>The bytes the body holds: a range's (as R2 resolves it against the size), or the whole object's.</summary>
    private static long BodyLength(R2Object o)
    {
        if (o.Range is not { } range)
        {
            return o.Size;
        }

        if (range.Suffix is { } suffix)
        {
            return Math.Min(suffix, o.Size);
        }

        var offset = Math.Min(range.Offset ?? 0, o.Size);
        return Math.Min(range.Length ?? o.Size - offset, o.Size - offset);
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
