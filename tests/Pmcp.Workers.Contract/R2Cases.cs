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
        Check.Equal("héllo r2", got.Text(), "GetAsync: body");
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
        Check.Equal("second", got.Text(), "GetAsync after overwriting: body");
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
        Check.Equal("234", got.Text(), "GetAsync with Offset = 2, Length = 3: body");
        Check.Equal(10L, got.Size, "GetAsync with a range: size is the whole object's");

        var rest = Check.NotNull(await bucket.GetAsync(key, new R2Range { Offset = 7 }), "GetAsync with Offset = 7 only");
        Check.Equal("789", rest.Text(), "GetAsync with Offset = 7 only: body runs to the end");

        var head = Check.NotNull(await bucket.GetAsync(key, new R2Range { Length = 4 }), "GetAsync with Length = 4 only");
        Check.Equal("0123", head.Text(), "GetAsync with Length = 4 only: body starts at 0");
    }

    public static async Task RangeSuffix(Env env)
    {
        var bucket = Bucket(env);
        var key = Unique.Prefix("r2.range_suffix") + "digits";
        await bucket.PutAsync(key, Digits);

        var got = Check.NotNull(await bucket.GetAsync(key, new R2Range { Suffix = 4 }), "GetAsync with Suffix = 4");
        Check.Equal("6789", got.Text(), "GetAsync with Suffix = 4: the last 4 bytes");
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

        Check.Bytes(binary, (await bucket.GetAsync(prefix + "binary"))?.Body, "GetAsync of binary data");
        var got = Check.NotNull(await bucket.GetAsync(prefix + "large"), "GetAsync of a 1 MiB object");
        Check.Equal(1024L * 1024, got.Size, "GetAsync of a 1 MiB object: size");
        Check.Bytes(large, got.Body, "GetAsync of a 1 MiB object: body");
        var middle = Check.NotNull(await bucket.GetAsync(prefix + "large", new R2Range { Offset = 500_000, Length = 1000 }), "GetAsync of a range of a 1 MiB object");
        Check.Bytes(large.AsMemory(500_000, 1000), middle.Body, "GetAsync of a range of a 1 MiB object: body");
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
}
