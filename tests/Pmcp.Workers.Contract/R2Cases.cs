using System.Text;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Contract;

/// <summary>R2 (<c>env.Bucket("STORAGE")</c>): objects with HTTP and custom metadata, head, ranged gets, delete and listing.</summary>
internal static class R2Cases
{
    // The upload time comes from the storage side's clock, the window's ends from the Worker's (which inside workerd
    // moves only on I/O); the slack keeps the check about "uploaded now", not about clock skew.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(5);

    private static readonly byte[] Digits = Encoding.ASCII.GetBytes("0123456789");

    private static R2Bucket Bucket(Env env) => env.Bucket(ContractBindings.R2);

    public static async Task PutGetWithMetadata(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.put_get_with_metadata") + "report.txt";
        var http = new R2HttpMetadata
        {
            ContentType = "text/plain; charset=utf-8",
            ContentLanguage = "en-GB",
            ContentDisposition = "attachment; filename=\"report.txt\"",
            CacheControl = "max-age=60",
        };
        var custom = new Dictionary<string, string> { ["author"] = "ada", ["revision"] = "3" };

        var before = DateTimeOffset.UtcNow;
        var put = await bucket.PutAsync(key, "héllo r2", new R2PutOptions { HttpMetadata = http, CustomMetadata = custom });
        var after = DateTimeOffset.UtcNow;

        Check.Equal(key, put.Key, "PutAsync: returned key");
        Check.Equal(9L, put.Size, "PutAsync: returned size (UTF-8 bytes)");
        Check.True(!string.IsNullOrEmpty(put.ETag), "PutAsync: the returned object should have an ETag");
        Check.True(put.Uploaded >= before - ClockSlack && put.Uploaded <= after + ClockSlack, $"PutAsync: uploaded should be between {before:O} and {after:O}, got {put.Uploaded:O}");

        var got = Check.NotNull(await bucket.GetAsync(key), "GetAsync of an object just put");
        Check.Equal("héllo r2", await got.ReadTextAsync(), "GetAsync: body");
        Check.Equal(9L, got.Size, "GetAsync: size");
        Check.Equal(put.ETag, got.ETag, "GetAsync: ETag is the one PutAsync returned");
        Check.Equal(http.ContentType, got.HttpMetadata.ContentType, "GetAsync: httpMetadata.contentType");
        Check.Equal(http.ContentLanguage, got.HttpMetadata.ContentLanguage, "GetAsync: httpMetadata.contentLanguage");
        Check.Equal(http.ContentDisposition, got.HttpMetadata.ContentDisposition, "GetAsync: httpMetadata.contentDisposition");
        Check.Equal(http.CacheControl, got.HttpMetadata.CacheControl, "GetAsync: httpMetadata.cacheControl");
        Check.Sequence(
            ["author=ada", "revision=3"],
            got.CustomMetadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value),
            "GetAsync: customMetadata");
    }

    public static async Task PutOverwrites(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.put_overwrites") + "file";

        var first = await bucket.PutAsync(key, "first version", new R2PutOptions { CustomMetadata = new Dictionary<string, string> { ["v"] = "1" } });
        var second = await bucket.PutAsync(key, "second");

        Check.True(first.ETag != second.ETag, $"PutAsync of different content should give a different ETag; both are {first.ETag}");
        var got = Check.NotNull(await bucket.GetAsync(key), "GetAsync after overwriting");
        Check.Equal("second", await got.ReadTextAsync(), "GetAsync after overwriting: body");
        Check.Equal(6L, got.Size, "GetAsync after overwriting: size");
        Check.Equal(0, got.CustomMetadata.Count, "GetAsync after overwriting without metadata: customMetadata replaced, not merged");
    }

    public static async Task Head(Env env)
    {
        var bucket = Bucket(env);
        var prefix = Unique.Prefix("r2.head");
        var put = await bucket.PutAsync(prefix + "doc", Digits, new R2PutOptions
        {
            HttpMetadata = new R2HttpMetadata { ContentType = "application/octet-stream" },
            CustomMetadata = new Dictionary<string, string> { ["k"] = "v" },
        });

        var head = Check.NotNull(await bucket.HeadAsync(prefix + "doc"), "HeadAsync of an existing object");
        Check.True(head is not R2ObjectBody, "HeadAsync should return metadata only, not a body");
        Check.Equal(prefix + "doc", head.Key, "HeadAsync: key");
        Check.Equal(10L, head.Size, "HeadAsync: size");
        Check.Equal(put.ETag, head.ETag, "HeadAsync: ETag");
        Check.Equal("application/octet-stream", head.HttpMetadata.ContentType, "HeadAsync: httpMetadata.contentType");
        Check.Equal("v", head.CustomMetadata.GetValueOrDefault("k"), "HeadAsync: customMetadata[\"k\"]");

        Check.Null(await bucket.HeadAsync(prefix + "missing"), "HeadAsync of a missing key");
    }

    public static async Task MissingKeyIsNull(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.missing_key_is_null") + "never-written";

        Check.Null(await bucket.GetAsync(key), "GetAsync of a missing key");
        Check.Null(await bucket.GetAsync(key, new R2Range { Offset = 0, Length = 1 }), "GetAsync with a range of a missing key");
        Check.Null(await bucket.HeadAsync(key), "HeadAsync of a missing key");
    }

    public static async Task RangeOffsetLength(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.range_offset_length") + "digits";
        await bucket.PutAsync(key, Digits);

        var got = Check.NotNull(await bucket.GetAsync(key, new R2Range { Offset = 2, Length = 3 }), "GetAsync with Offset = 2, Length = 3");
        Check.Equal("234", await got.ReadTextAsync(), "GetAsync with Offset = 2, Length = 3: body");
        Check.Equal(10L, got.Size, "GetAsync with a range: size is the whole object's");

        var rest = Check.NotNull(await bucket.GetAsync(key, new R2Range { Offset = 7 }), "GetAsync with Offset = 7 only");
        Check.Equal("789", await rest.ReadTextAsync(), "GetAsync with Offset = 7 only: body runs to the end");

        var head = Check.NotNull(await bucket.GetAsync(key, new R2Range { Length = 4 }), "GetAsync with Length = 4 only");
        Check.Equal("0123", await head.ReadTextAsync(), "GetAsync with Length = 4 only: body starts at 0");
    }

    public static async Task RangeSuffix(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.range_suffix") + "digits";
        await bucket.PutAsync(key, Digits);

        var got = Check.NotNull(await bucket.GetAsync(key, new R2Range { Suffix = 4 }), "GetAsync with Suffix = 4");
        Check.Equal("6789", await got.ReadTextAsync(), "GetAsync with Suffix = 4: the last 4 bytes");
        Check.Equal(10L, got.Size, "GetAsync with a suffix range: size is the whole object's");
    }

    public static async Task BinaryAndLarge(Env env)
    {
        var bucket = Bucket(env);
        var prefix = Unique.Prefix("r2.binary_and_large");
        byte[] binary = [.. Enumerable.Range(0, 256).Select(i => (byte)i), 0xC3, 0x28, 0xFF, 0xFE, 0x00];
        var large = ContractData.Random(1024 * 1024, seed: 2);

        await bucket.PutAsync(prefix + "binary", binary);
        await bucket.PutAsync(prefix + "large", large);

        Check.Bytes(binary, await Check.NotNull(await bucket.GetAsync(prefix + "binary"), "GetAsync of binary data").ReadAllBytesAsync(), "GetAsync of binary data");
        var got = Check.NotNull(await bucket.GetAsync(prefix + "large"), "GetAsync of a 1 MiB object");
        Check.Equal(1024L * 1024, got.Size, "GetAsync of a 1 MiB object: size");
        Check.Bytes(large, await got.ReadAllBytesAsync(), "GetAsync of a 1 MiB object: body");
        var middle = Check.NotNull(await bucket.GetAsync(prefix + "large", new R2Range { Offset = 500_000, Length = 1000 }), "GetAsync of a range of a 1 MiB object");
        Check.Bytes(large.AsMemory(500_000, 1000), await middle.ReadAllBytesAsync(), "GetAsync of a range of a 1 MiB object: body");
    }

    public static async Task Delete(Env env)
    {
        var bucket = Bucket(env);
        var prefix = Unique.Prefix("r2.delete");
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await bucket.PutAsync(prefix + name, name);
        }

        await bucket.DeleteAsync(prefix + "a");
        Check.Null(await bucket.GetAsync(prefix + "a"), "GetAsync after DeleteAsync(key)");
        Check.Null(await bucket.HeadAsync(prefix + "a"), "HeadAsync after DeleteAsync(key)");

        await bucket.DeleteAsync([prefix + "b", prefix + "c", prefix + "never-written"]);
        var left = await bucket.ListAsync(new R2ListOptions { Prefix = prefix });
        Check.Sequence([prefix + "d"], left.Objects.Select(o => o.Key), "ListAsync after deleting a, b and c");

        // Deleting what is not there is not an error.
        await bucket.DeleteAsync(prefix + "a");
    }

    public static async Task ListPrefix(Env env)
    {
        var bucket = Bucket(env);
        var root = Unique.Prefix("r2.list_prefix");
        foreach (var name in new[] { "b", "a/2", "c", "a/1" })
        {
            await bucket.PutAsync(root + name, name);
        }

        await bucket.PutAsync(root.TrimEnd('/') + "-sibling", "outside");

        var all = await bucket.ListAsync(new R2ListOptions { Prefix = root });
        Check.Sequence([root + "a/1", root + "a/2", root + "b", root + "c"], all.Objects.Select(o => o.Key), "ListAsync by prefix: keys in order");
        Check.True(!all.Truncated, "ListAsync by prefix: truncated should be false when everything fit");
        Check.Equal(0, all.DelimitedPrefixes.Count, "ListAsync without a delimiter: delimitedPrefixes");
        var a1 = all.Objects[0];
        Check.Equal(3L, a1.Size, "ListAsync: size of a listed object (its body is \"a/1\")");
        Check.True(!string.IsNullOrEmpty(a1.ETag), "ListAsync: a listed object should have an ETag");

        var sub = await bucket.ListAsync(new R2ListOptions { Prefix = root + "a/" });
        Check.Sequence([root + "a/1", root + "a/2"], sub.Objects.Select(o => o.Key), "ListAsync by a longer prefix");
    }

    public static async Task ListDelimiter(Env env)
    {
        var bucket = Bucket(env);
        var root = Unique.Prefix("r2.list_delimiter");
        foreach (var name in new[] { "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "docs/x.txt", "readme.md", "todo.txt" })
        {
            await bucket.PutAsync(root + name, name);
        }

        var top = await bucket.ListAsync(new R2ListOptions { Prefix = root, Delimiter = "/" });
        Check.Sequence([root + "readme.md", root + "todo.txt"], top.Objects.Select(o => o.Key), "ListAsync with Delimiter = \"/\": objects at the top level");
        Check.Sequence([root + "docs/", root + "photos/"], top.DelimitedPrefixes.Order(StringComparer.Ordinal), "ListAsync with Delimiter = \"/\": delimitedPrefixes");

        var photos = await bucket.ListAsync(new R2ListOptions { Prefix = root + "photos/", Delimiter = "/" });
        Check.Equal(0, photos.Objects.Count, "ListAsync of photos/ with a delimiter: objects directly in it");
        Check.Sequence([root + "photos/2024/", root + "photos/2025/"], photos.DelimitedPrefixes.Order(StringComparer.Ordinal), "ListAsync of photos/ with a delimiter: delimitedPrefixes");
    }

    public static async Task ListPagesWithCursor(Env env)
    {
        var bucket = Bucket(env);
        var prefix = Unique.Prefix("r2.list_pages_with_cursor");
        var expected = Enumerable.Range(0, 25).Select(i => prefix + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var key in expected)
        {
            await bucket.PutAsync(key, "v");
        }

        var seen = new List<string>();
        var pages = new List<int>();
        string? cursor = null;
        while (true)
        {
            var page = await bucket.ListAsync(new R2ListOptions { Prefix = prefix, Limit = 10, Cursor = cursor });
            Check.True(page.Objects.Count <= 10, $"ListAsync with Limit = 10 returned {page.Objects.Count} objects on page {pages.Count + 1}");
            pages.Add(page.Objects.Count);
            seen.AddRange(page.Objects.Select(o => o.Key));
            if (!page.Truncated)
            {
                break;
            }

            Check.True(!string.IsNullOrEmpty(page.Cursor), $"ListAsync page {pages.Count}: truncated is true, so a cursor must be given");
            Check.True(pages.Count < 10, "ListAsync with a cursor never stopped being truncated (10 pages of 25 objects)");
            cursor = page.Cursor;
        }

        Check.Sequence([10, 10, 5], pages, "ListAsync of 25 objects with Limit = 10: objects per page");
        Check.Sequence(expected, seen, "ListAsync across pages: every object once, in order");
    }

    public static async Task StreamLargeInChunks(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.stream_large_in_chunks") + "big.bin";
        const long Size = 12L * 1024 * 1024 + 7;
        await bucket.PutAsync(key, new PatternStream(Size, seed: 11), Size);

        await using var got = Check.NotNull(await bucket.GetAsync(key), "GetAsync of a 12 MiB object");
        Check.Equal(Size, got.BodyLength, "GetAsync of a 12 MiB object: BodyLength");
        Check.Equal(Size, got.Body.Length, "GetAsync of a 12 MiB object: Body.Length");
        var reads = await SameAsPatternAsync(got.Body, new PatternStream(Size, seed: 11), 64 * 1024, "GetAsync of a 12 MiB object read in 64 KiB chunks");
        Check.True(reads > 1, $"the body should arrive in several reads; it came in {reads}");
        Check.Equal(0, await got.Body.ReadAsync(new byte[16]), "a read past the end of the body");
    }

    public static async Task RangeAsStream(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.range_as_stream") + "data";
        var data = ContractData.Random(1024 * 1024, seed: 5);
        await bucket.PutAsync(key, data);

        await using var middle = Check.NotNull(await bucket.GetAsync(key, new R2Range { Offset = 300_000, Length = 700_000 }), "GetAsync with Offset = 300000, Length = 700000");
        Check.Equal(700_000L, middle.BodyLength, "a ranged body's BodyLength");
        Check.Equal(1024L * 1024, middle.Size, "a ranged get's Size is the whole object's");
        Check.Bytes(data.AsMemory(300_000, 700_000), await ReadInPiecesAsync(middle.Body, 10_000), "a ranged body read as a stream in 10000-byte reads");

        await using var tail = Check.NotNull(await bucket.GetAsync(key, new R2Range { Suffix = 4096 }), "GetAsync with Suffix = 4096");
        Check.Bytes(data.AsMemory(data.Length - 4096), await ReadInPiecesAsync(tail.Body, 1000), "a suffix body read as a stream");
    }

    public static async Task PutStreamWithLength(Env env)
    {
        var bucket = Bucket(env);
        var prefix = Unique.Prefix("r2.put_stream_with_length");
        const long Size = 3L * 1024 * 1024 + 1;

        var put = await bucket.PutAsync(prefix + "streamed", new PatternStream(Size, seed: 3), Size, new R2PutOptions
        {
            HttpMetadata = new R2HttpMetadata { ContentType = "application/x-test" },
            CustomMetadata = new Dictionary<string, string> { ["from"] = "stream" },
        });
        Check.Equal(Size, put.Size, "PutAsync from a stream: returned size");
        var head = Check.NotNull(await bucket.HeadAsync(prefix + "streamed"), "HeadAsync after PutAsync from a stream");
        Check.Equal(Size, head.Size, "HeadAsync after PutAsync from a stream: size");
        Check.Equal(put.ETag, head.ETag, "HeadAsync after PutAsync from a stream: ETag");
        Check.Equal("application/x-test", head.HttpMetadata.ContentType, "PutAsync from a stream: httpMetadata.contentType");
        Check.Equal("stream", head.CustomMetadata.GetValueOrDefault("from"), "PutAsync from a stream: customMetadata");
        await using (var got = Check.NotNull(await bucket.GetAsync(prefix + "streamed"), "GetAsync after PutAsync from a stream"))
        {
            await SameAsPatternAsync(got.Body, new PatternStream(Size, seed: 3), 100_000, "GetAsync after PutAsync from a stream");
        }

        // Without a length the stream is buffered first; the object is the same.
        await bucket.PutAsync(prefix + "buffered", new MemoryStream(Digits), length: null);
        Check.Equal("0123456789", await Check.NotNull(await bucket.GetAsync(prefix + "buffered"), "GetAsync after PutAsync from a stream without a length").ReadTextAsync(), "PutAsync from a stream without a length");

        var empty = await bucket.PutAsync(prefix + "empty", new MemoryStream(), 0);
        Check.Equal(0L, empty.Size, "PutAsync of an empty stream: size");
        Check.Equal("", await Check.NotNull(await bucket.GetAsync(prefix + "empty"), "GetAsync of an empty object").ReadTextAsync(), "GetAsync of an empty object: body");
    }

    public static async Task PutStreamWrongLengthThrows(Env env)
    {
        var bucket = Bucket(env);
        var prefix = Unique.Prefix("r2.put_stream_wrong_length_throws");
        await bucket.PutAsync(prefix + "kept", "original");

        await Check.ThrowsAsync(() => bucket.PutAsync(prefix + "long", new PatternStream(300_000, seed: 1), 200_000), "PutAsync of a stream longer than its length", "more than the 200000 bytes declared", "nothing was stored");
        await Check.ThrowsAsync(() => bucket.PutAsync(prefix + "short", new PatternStream(100_000, seed: 1), 200_000), "PutAsync of a stream shorter than its length", "ended after 100000 of the 200000 bytes declared");
        await Check.ThrowsAsync(() => bucket.PutAsync(prefix + "kept", new MemoryStream(Digits), 11), "PutAsync over an existing object with a short stream", "ended after 10 of the 11 bytes declared");

        Check.Null(await bucket.HeadAsync(prefix + "long"), "HeadAsync after a put of a too-long stream");
        Check.Null(await bucket.HeadAsync(prefix + "short"), "HeadAsync after a put of a too-short stream");
        Check.Equal("original", await Check.NotNull(await bucket.GetAsync(prefix + "kept"), "GetAsync after a failed overwrite").ReadTextAsync(), "a failed put leaves the object as it was");
        await Check.ThrowsAsync(() => bucket.PutAsync(prefix + "negative", new MemoryStream(), -1), "PutAsync with a negative length", "cannot be negative");
    }

    public static async Task BodyReadOnceAndAfterDispose(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.body_read_once_and_after_dispose") + "digits";
        await bucket.PutAsync(key, Digits);

        var once = Check.NotNull(await bucket.GetAsync(key), "GetAsync");
        Check.Equal("0123456789", await once.ReadTextAsync(), "ReadTextAsync");
        await Check.ThrowsAsync(() => once.ReadTextAsync(), "ReadTextAsync a second time", "has already been read");

        var partly = Check.NotNull(await bucket.GetAsync(key), "GetAsync");
        var first = new byte[3];
        Check.Equal(3, await partly.Body.ReadAsync(first), "a first read of 3 bytes");
        Check.True(partly.BodyUsed, "BodyUsed after a read");
        await Check.ThrowsAsync(() => partly.ReadAllBytesAsync(), "ReadAllBytesAsync after reading part of the body", "has already been read");
        await partly.DisposeAsync();
        try
        {
            _ = await partly.Body.ReadAsync(new byte[3]);
            throw new ContractFailure("a read after DisposeAsync should fail, but it succeeded");
        }
        catch (ObjectDisposedException e)
        {
            Check.Contains("was disposed", e.Message, "a read after DisposeAsync: the ObjectDisposedException's message");
        }

        // Dispose before any read releases the body; the object is still there for the next get.
        await (await bucket.GetAsync(key))!.DisposeAsync();
        Check.Equal("0123456789", await Check.NotNull(await bucket.GetAsync(key), "GetAsync after disposing an unread body").ReadTextAsync(), "the body after an earlier one was disposed unread");
    }

    /// <summary>Reads <paramref name="body"/> in reads of at most <paramref name="chunk"/> bytes, comparing with the pattern; the number of reads.</summary>
    private static async Task<int> SameAsPatternAsync(Stream body, PatternStream expected, int chunk, string what)
    {
        var buffer = new byte[chunk];
        var want = new byte[chunk];
        long at = 0;
        var reads = 0;
        int count;
        while ((count = await body.ReadAsync(buffer)) > 0)
        {
            reads++;
            expected.ReadExactly(want.AsSpan(0, count));
            if (!buffer.AsSpan(0, count).SequenceEqual(want.AsSpan(0, count)))
            {
                throw new ContractFailure($"{what}: the bytes differ within {count} bytes from offset {at}.");
            }

            at += count;
        }

        Check.Equal(expected.Length, at, $"{what}: bytes read");
        return reads;
    }

    private static async Task<byte[]> ReadInPiecesAsync(Stream body, int piece)
    {
        using var all = new MemoryStream();
        var buffer = new byte[piece];
        int count;
        while ((count = await body.ReadAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, count);
        }

        return all.ToArray();
    }
}
