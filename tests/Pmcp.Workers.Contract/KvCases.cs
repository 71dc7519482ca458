using System.Text;
using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Contract;

/// <summary>Workers KV (<c>env.Kv("CACHE")</c>): values, metadata, expiration, listing, and Cloudflare's limits.</summary>
internal static class KvCases
{
    // Expirations are whole Unix seconds, and inside workerd the clock only moves on I/O; a little slack on each side
    // of the window keeps the check about the contract (TTL counted from the put), not about clock granularity.
    private const long ClockSlackSeconds = 2;

    private static KvNamespace Kv(Env env) => env.Kv(ContractBindings.Kv);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static async Task PutGetText(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.put_get_text") + "greeting";
        const string text = "héllo wörld ✓ 日本 🚀";

        await kv.PutAsync(key, text);
        Check.Equal(text, await kv.GetTextAsync(key), "GetTextAsync after PutAsync(text)");
        Check.Bytes(Encoding.UTF8.GetBytes(text), await kv.GetBytesAsync(key), "GetBytesAsync of a text value (UTF-8)");

        await kv.PutAsync(key, "second");
        Check.Equal("second", await kv.GetTextAsync(key), "GetTextAsync after a second PutAsync to the same key");
    }

    public static async Task PutGetEmptyValue(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.put_get_empty_value") + "empty";

        await kv.PutAsync(key, "");
        Check.Equal("", await kv.GetTextAsync(key), "GetTextAsync of an empty value (empty, not missing)");
        Check.Equal(0, Check.NotNull(await kv.GetBytesAsync(key), "GetBytesAsync of an empty value").Length, "GetBytesAsync length of an empty value");
    }

    public static async Task PutGetBinary(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.put_get_binary") + "bytes";
        // Every byte value, then sequences that are not valid UTF-8: nothing may pass through a text conversion.
        byte[] value = [.. Enumerable.Range(0, 256).Select(i => (byte)i), 0xC3, 0x28, 0xFF, 0xFE, 0x00, 0xED, 0xA0, 0x80];

        await kv.PutAsync(key, value);
        Check.Bytes(value, await kv.GetBytesAsync(key), "GetBytesAsync of binary data");
        Check.Bytes(value, (await kv.GetWithMetadataAsync(key))?.Value, "GetWithMetadataAsync(...).Value of binary data");
    }

    public static async Task PutGetJson(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.put_get_json") + "note";
        var note = new ContractNote("Groceries \"weekly\"", 4, ["food", "home"], new ContractNote("ok", 1, [], null));

        await kv.PutJsonAsync(key, note, ContractJson.Default.ContractNote);
        var read = Check.NotNull(await kv.GetJsonAsync(key, ContractJson.Default.ContractNote), "GetJsonAsync after PutJsonAsync");

        Check.Equal(note.Title, read.Title, "GetJsonAsync: Title");
        Check.Equal(note.Stars, read.Stars, "GetJsonAsync: Stars");
        Check.Sequence(note.Tags, read.Tags, "GetJsonAsync: Tags");
        Check.Equal("ok", read.Reply?.Title, "GetJsonAsync: Reply.Title");
        // The stored value is plain JSON text, so JavaScript Workers and `wrangler kv key get` read it too.
        Check.Contains("\"stars\":4", await kv.GetTextAsync(key), "GetTextAsync of a JSON value");
    }

    public static async Task LargeValue(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.large_value") + "big";
        var value = ContractData.Random(1024 * 1024, seed: 1);

        await kv.PutAsync(key, value);
        Check.Bytes(value, await kv.GetBytesAsync(key), "GetBytesAsync of a 1 MiB value");
    }

    public static async Task MissingKeyIsNull(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.missing_key_is_null") + "never-written";

        Check.Null(await kv.GetTextAsync(key), "GetTextAsync of a missing key");
        Check.Null(await kv.GetBytesAsync(key), "GetBytesAsync of a missing key");
        Check.Null(await kv.GetJsonAsync(key, ContractJson.Default.ContractNote), "GetJsonAsync of a missing key");
        Check.Null(await kv.GetWithMetadataAsync(key), "GetWithMetadataAsync of a missing key");
    }

    public static async Task Delete(Env env)
    {
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.delete");

        await kv.PutAsync(prefix + "doomed", "x");
        await kv.PutAsync(prefix + "kept", "y");
        await kv.DeleteAsync(prefix + "doomed");

        Check.Null(await kv.GetTextAsync(prefix + "doomed"), "GetTextAsync after DeleteAsync");
        Check.Equal("y", await kv.GetTextAsync(prefix + "kept"), "GetTextAsync of a key next to a deleted one");
        var listed = await kv.ListAsync(new KvListOptions { Prefix = prefix });
        Check.Sequence([prefix + "kept"], listed.Keys.Select(k => k.Name), "ListAsync after DeleteAsync");

        // Deleting what is not there is not an error on Workers.
        await kv.DeleteAsync(prefix + "doomed");
        await kv.DeleteAsync(prefix + "never-written");
    }

    public static async Task GetWithMetadata(Env env)
    {
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.get_with_metadata");
        var metadata = ContractData.Json("""{"author":"ada","version":2,"tags":["a","b"]}""");

        await kv.PutAsync(prefix + "with", "value", new KvPutOptions { Metadata = metadata });
        await kv.PutAsync(prefix + "without", "plain");

        var with = Check.NotNull(await kv.GetWithMetadataAsync(prefix + "with"), "GetWithMetadataAsync of a key put with metadata");
        Check.Equal("value", with.Text, "GetWithMetadataAsync: value");
        var read = Check.HasValue(with.Metadata, "GetWithMetadataAsync: metadata");
        Check.Equal("ada", read.GetProperty("author").GetString(), "GetWithMetadataAsync: metadata.author");
        Check.Equal(2, read.GetProperty("version").GetInt32(), "GetWithMetadataAsync: metadata.version");
        Check.Equal(2, read.GetProperty("tags").GetArrayLength(), "GetWithMetadataAsync: metadata.tags length");

        var without = Check.NotNull(await kv.GetWithMetadataAsync(prefix + "without"), "GetWithMetadataAsync of a key put without metadata");
        Check.Equal("plain", without.Text, "GetWithMetadataAsync: value without metadata");
        Check.Null(without.Metadata, "GetWithMetadataAsync: metadata of a key put without any");
    }

    public static async Task ListReportsMetadata(Env env)
    {
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.list_reports_metadata");

        await kv.PutAsync(prefix + "a", "1", new KvPutOptions { Metadata = ContractData.Json("""{"n":1}""") });
        await kv.PutAsync(prefix + "b", "2");

        var keys = (await kv.ListAsync(new KvListOptions { Prefix = prefix })).Keys;
        Check.Sequence([prefix + "a", prefix + "b"], keys.Select(k => k.Name), "ListAsync: keys");
        Check.Equal(1, Check.HasValue(keys[0].Metadata, "ListAsync: metadata of a key put with metadata").GetProperty("n").GetInt32(), "ListAsync: metadata.n");
        Check.Null(keys[1].Metadata, "ListAsync: metadata of a key put without any");
        Check.Null(keys[1].Expiration, "ListAsync: expiration of a key put without one");
    }

    public static async Task MetadataTooLargeThrows(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.metadata_too_large_throws") + "k";
        var metadata = ContractData.Json("{\"pad\":\"" + new string('m', 1100) + "\"}");

        await Check.ThrowsAsync(() => kv.PutAsync(key, "v", new KvPutOptions { Metadata = metadata }), "PutAsync with metadata over 1024 bytes", "1024");
        Check.Null(await kv.GetTextAsync(key), "GetTextAsync after a refused put");
    }

    public static async Task ExpirationTtlInList(Env env)
    {
        // Keys cannot be waited out (60 s minimum), so the contract checks the expiration each host records.
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.expiration_ttl_in_list");

        var before = Now();
        await kv.PutAsync(prefix + "ttl", "short-lived", new KvPutOptions { ExpirationTtl = 120 });
        var after = Now();

        var key = Single((await kv.ListAsync(new KvListOptions { Prefix = prefix })).Keys, "ListAsync of a key put with ExpirationTtl = 120");
        Check.Between(before + 120 - ClockSlackSeconds, after + 120 + ClockSlackSeconds, key.Expiration, "ListAsync: expiration (Unix seconds) of a key put with ExpirationTtl = 120");
        Check.Equal("short-lived", await kv.GetTextAsync(prefix + "ttl"), "GetTextAsync of a key whose TTL has not run out");

        // Exactly the minimum is allowed.
        await kv.PutAsync(prefix + "min", "v", new KvPutOptions { ExpirationTtl = KvNamespace.MinExpirationTtlSeconds });
        Check.Equal("v", await kv.GetTextAsync(prefix + "min"), "GetTextAsync of a key put with ExpirationTtl = 60");
    }

    public static async Task ExpirationAbsoluteInList(Env env)
    {
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.expiration_absolute_in_list");
        var at = Now() + 3600;

        await kv.PutAsync(prefix + "abs", "until", new KvPutOptions { Expiration = DateTimeOffset.FromUnixTimeSeconds(at) });

        var key = Single((await kv.ListAsync(new KvListOptions { Prefix = prefix })).Keys, "ListAsync of a key put with an absolute Expiration");
        Check.Equal<long?>(at, key.Expiration, "ListAsync: expiration of a key put with Expiration = now + 1 h");
        Check.Equal("until", await kv.GetTextAsync(prefix + "abs"), "GetTextAsync of a key before its expiration");
    }

    public static async Task TtlBelowMinimumThrows(Env env)
    {
        var kv = Kv(env);
        var key = Unique.Prefix("kv.ttl_below_minimum_throws") + "k";

        await Check.ThrowsAsync(() => kv.PutAsync(key, "v", new KvPutOptions { ExpirationTtl = 59 }), "PutAsync with ExpirationTtl = 59", "60");
        await Check.ThrowsAsync(() => kv.PutAsync(key, "v", new KvPutOptions { ExpirationTtl = 0 }), "PutAsync with ExpirationTtl = 0", "60");
        await Check.ThrowsAsync(
            () => kv.PutAsync(key, "v", new KvPutOptions { Expiration = DateTimeOffset.UtcNow.AddSeconds(30) }),
            "PutAsync with an absolute Expiration 30 s away",
            "60");
        Check.Null(await kv.GetTextAsync(key), "GetTextAsync after refused puts");
    }

    public static async Task KeyTooLongThrows(Env env)
    {
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.key_too_long_throws");
        var longest = prefix + new string('k', KvNamespace.MaxKeyBytes - Encoding.UTF8.GetByteCount(prefix));
        var oneOver = longest + "k";
        // 513 bytes in 171 characters: the limit counts UTF-8 bytes, not characters.
        var multiByte = new string('€', 171);

        await kv.PutAsync(longest, "512 bytes is allowed");
        Check.Equal("512 bytes is allowed", await kv.GetTextAsync(longest), "GetTextAsync of a 512-byte key");
        await Check.ThrowsAsync(() => kv.PutAsync(oneOver, "v"), "PutAsync with a 513-byte key", "512");
        await Check.ThrowsAsync(() => kv.PutAsync(multiByte, "v"), "PutAsync with a key of 171 '€' (513 UTF-8 bytes)", "512");
        await Check.ThrowsAsync(() => kv.GetTextAsync(oneOver), "GetTextAsync with a 513-byte key", "512");
    }

    public static async Task KeyInvalidThrows(Env env)
    {
        var kv = Kv(env);
        await Check.ThrowsAsync(() => kv.PutAsync("", "v"), "PutAsync with an empty key");
        await Check.ThrowsAsync(() => kv.PutAsync(".", "v"), "PutAsync with the key \".\"");
        await Check.ThrowsAsync(() => kv.PutAsync("..", "v"), "PutAsync with the key \"..\"");
        await Check.ThrowsAsync(() => kv.GetTextAsync(""), "GetTextAsync with an empty key");
    }

    public static async Task ListPrefix(Env env)
    {
        var kv = Kv(env);
        var root = Unique.Prefix("kv.list_prefix");

        // Written out of order, with a sibling that shares the prefix's text but not its folder.
        foreach (var name in new[] { "b", "a/2", "c", "a/1" })
        {
            await kv.PutAsync(root + name, name);
        }

        await kv.PutAsync(root.TrimEnd('/') + "-sibling", "outside");

        var all = await kv.ListAsync(new KvListOptions { Prefix = root });
        Check.Sequence([root + "a/1", root + "a/2", root + "b", root + "c"], all.Keys.Select(k => k.Name), "ListAsync by prefix: keys in lexicographic order");
        Check.True(all.ListComplete, "ListAsync by prefix: list_complete should be true when every key fit in the page");

        var sub = await kv.ListAsync(new KvListOptions { Prefix = root + "a/" });
        Check.Sequence([root + "a/1", root + "a/2"], sub.Keys.Select(k => k.Name), "ListAsync by a longer prefix");

        var none = await kv.ListAsync(new KvListOptions { Prefix = root + "zzz" });
        Check.Equal(0, none.Keys.Count, "ListAsync by a prefix nothing has: number of keys");
        Check.True(none.ListComplete, "ListAsync by a prefix nothing has: list_complete");
    }

    public static async Task ListPagesWithCursor(Env env)
    {
        var kv = Kv(env);
        var prefix = Unique.Prefix("kv.list_pages_with_cursor");
        var expected = Enumerable.Range(0, 25).Select(i => prefix + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var key in expected)
        {
            await kv.PutAsync(key, "v");
        }

        var seen = new List<string>();
        var pages = new List<int>();
        string? cursor = null;
        while (true)
        {
            var page = await kv.ListAsync(new KvListOptions { Prefix = prefix, Limit = 10, Cursor = cursor });
            Check.True(page.Keys.Count <= 10, $"ListAsync with Limit = 10 returned {page.Keys.Count} keys on page {pages.Count + 1}");
            pages.Add(page.Keys.Count);
            seen.AddRange(page.Keys.Select(k => k.Name));
            if (page.ListComplete)
            {
                break;
            }

            Check.True(!string.IsNullOrEmpty(page.Cursor), $"ListAsync page {pages.Count}: list_complete is false, so a cursor must be given");
            Check.True(pages.Count < 10, "ListAsync with a cursor never reported list_complete (10 pages of 25 keys)");
            cursor = page.Cursor;
        }

        Check.Sequence([10, 10, 5], pages, "ListAsync of 25 keys with Limit = 10: keys per page");
        Check.Sequence(expected, seen, "ListAsync across pages: every key once, in order");
    }

    public static async Task ListLimitOutOfRangeThrows(Env env)
    {
        var kv = Kv(env);
        await Check.ThrowsAsync(() => kv.ListAsync(new KvListOptions { Limit = 0 }), "ListAsync with Limit = 0", "1000");
        await Check.ThrowsAsync(() => kv.ListAsync(new KvListOptions { Limit = 1001 }), "ListAsync with Limit = 1001", "1000");
    }

    private static KvKey Single(IReadOnlyList<KvKey> keys, string what) =>
        keys.Count == 1 ? keys[0] : throw new ContractFailure($"{what}: expected one key, got {keys.Count}.");
}
