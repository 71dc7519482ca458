using System.Text;
using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace KvD1R2Worker;

/// <summary>The binding scenarios; <c>run</c> keeps keys and rows of one test run apart from another's.</summary>
internal static class BindingScenarios
{
    public static async Task KvAsync(KvNamespace kv, string run)
    {
        var p = $"kv-{run}/";
        Expect.Equal(null, await kv.GetTextAsync(p + "missing"), "missing key");

        using var metadata = JsonDocument.Parse("""{"owner":"ada","n":3}""");
        await kv.PutAsync(p + "text", "héllo", new KvPutOptions { ExpirationTtl = 600, Metadata = metadata.RootElement.Clone() });
        Expect.Equal("héllo", await kv.GetTextAsync(p + "text"), "text value");
        var entry = await kv.GetWithMetadataAsync(p + "text") ?? throw new InvalidOperationException("no entry");
        Expect.Equal("ada", entry.Metadata?.GetProperty("owner").GetString(), "metadata");

        byte[] binary = [0, 1, 2, 255, 254, 0, 128];
        await kv.PutAsync(p + "bin", binary);
        Expect.True(Same(binary, await kv.GetBytesAsync(p + "bin")), "binary round trip");

        var big = new byte[1024 * 1024];
        new Random(7).NextBytes(big);
        await kv.PutAsync(p + "big", big);
        Expect.True(Same(big, await kv.GetBytesAsync(p + "big")), "1 MiB value");

        for (var i = 0; i < 5; i++)
        {
            await kv.PutAsync($"{p}page/{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var names = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await kv.ListAsync(new KvListOptions { Prefix = p + "page/", Limit = 2, Cursor = cursor });
            names.AddRange(page.Keys.Select(k => k.Name));
            cursor = page.ListComplete ? null : page.Cursor;
            pages++;
        }
        while (cursor is not null && pages < 10);
        Expect.Equal(string.Join(',', Enumerable.Range(0, 5).Select(i => $"{p}page/{i}")), string.Join(',', names), "paged listing");
        Expect.True(pages >= 3, $"listing in pages of 2 (got {pages})");

        var listed = await kv.ListAsync(new KvListOptions { Prefix = p + "text" });
        Expect.Equal(1, listed.Keys.Count, "prefix listing");
        Expect.True(listed.Keys[0].Expiration is > 0, "listed expiration");
        Expect.Equal(3, listed.Keys[0].Metadata?.GetProperty("n").GetInt32(), "listed metadata");
        Expect.True(listed.ListComplete, "list complete");

        await kv.DeleteAsync(p + "text");
        Expect.Equal(null, await kv.GetTextAsync(p + "text"), "deleted key");
    }

    public static async Task D1Async(D1Database db, string run)
    {
        var name = $"d1-{run}";
        byte[] blob = [9, 8, 7, 0, 255];
        var insert = await db.Prepare("INSERT INTO items (name, count, price, data) VALUES (?1, ?2, ?3, ?4)").Bind(name, 42, 9.5, blob).RunAsync();
        Expect.Equal(1L, insert.Meta.Changes, "changes");
        Expect.True(insert.Meta.LastRowId > 0, "last row id");
        Expect.True(insert.Meta.ChangedDb, "changed db");

        var item = await db.Prepare("SELECT id, name, count, price, data FROM items WHERE name = ?1").Bind(name).FirstAsync(KvD1R2JsonContext.Default.Item)
            ?? throw new InvalidOperationException("no row");
        Expect.Equal(insert.Meta.LastRowId, item.Id, "row id");
        Expect.Equal(42L, item.Count, "integer column");
        Expect.Equal(9.5, item.Price, "real column");
        Expect.True(Same(blob, item.Data?.ToArray()), "blob column");

        var raw = await db.Prepare("SELECT count, name, NULL AS empty FROM items WHERE name = ?1").Bind(name).RawAsync();
        Expect.Equal("count,name,empty", string.Join(',', raw.Columns), "raw columns in order");
        Expect.Equal(42, raw.Rows[0][0].GetInt32(), "raw value");
        Expect.Equal(JsonValueKind.Null, raw.Rows[0][2].ValueKind, "raw null");

        var all = await db.Prepare("SELECT id, name, count, price, data FROM items WHERE name LIKE ?1 ORDER BY id").Bind(name + "%").AllAsync(KvD1R2JsonContext.Default.Item);
        Expect.Equal(1, all.Results.Count, "all rows");
        Expect.True(all.Meta.RowsRead >= 1, "rows read");

        // A batch is atomic: the duplicate name fails the second statement, so the first leaves nothing behind.
        try
        {
            await db.BatchAsync([
                db.Prepare("INSERT INTO items (name) VALUES (?1)").Bind(name + "-batch"),
                db.Prepare("INSERT INTO items (name) VALUES (?1)").Bind(name),
            ]);
            throw new InvalidOperationException("the batch should have failed");
        }
        catch (Pmcp.Workers.WorkerException e)
        {
            Expect.True(e.Message.Contains("UNIQUE", StringComparison.Ordinal), "batch error message: " + e.Message);
        }

        Expect.Equal(null, (await db.Prepare("SELECT id FROM items WHERE name = ?1").Bind(name + "-batch").FirstValueAsync("id"))?.GetInt64(), "nothing left by the failed batch");

        var ok = await db.BatchAsync([
            db.Prepare("INSERT INTO items (name, count) VALUES (?1, 1)").Bind(name + "-b1"),
            db.Prepare("SELECT count(*) AS n FROM items WHERE name LIKE ?1").Bind(name + "%"),
        ]);
        Expect.Equal(2, ok.Count, "batch results");
        Expect.Equal(2, ok[1].Raw!.Rows[0][0].GetInt32(), "batch select sees the batch insert");

        var exec = await db.ExecAsync($"CREATE TABLE IF NOT EXISTS scratch_{run} (x INTEGER); DROP TABLE scratch_{run};");
        Expect.True(exec.Count >= 1, $"exec count {exec.Count}"); // local D1 counts "a; b;" as 1, Cloudflare documents "queries executed"
    }

    public static async Task R2Async(R2Bucket bucket, string run)
    {
        var p = $"r2-{run}/";
        Expect.True(await bucket.GetAsync(p + "missing") is null, "missing object");
        Expect.True(await bucket.HeadAsync(p + "missing") is null, "missing head");

        var body = Encoding.UTF8.GetBytes("0123456789abcdef");
        var put = await bucket.PutAsync(p + "docs/a.txt", body, new R2PutOptions
        {
            HttpMetadata = new R2HttpMetadata { ContentType = "text/plain", CacheControl = "max-age=60" },
            CustomMetadata = new Dictionary<string, string> { ["owner"] = "ada" },
        });
        Expect.Equal(16L, put.Size, "put size");
        Expect.True(put.ETag.Length > 0, "etag");
        Expect.True(Math.Abs((DateTimeOffset.UtcNow - put.Uploaded).TotalMinutes) < 5, "uploaded " + put.Uploaded.ToString("O"));

        var got = await bucket.GetAsync(p + "docs/a.txt") ?? throw new InvalidOperationException("no object");
        Expect.Equal("0123456789abcdef", await got.ReadTextAsync(), "body");
        Expect.Equal("text/plain", got.HttpMetadata.ContentType, "content type");
        Expect.Equal("ada", got.CustomMetadata.GetValueOrDefault("owner"), "custom metadata");

        var range = await bucket.GetAsync(p + "docs/a.txt", new R2Range { Offset = 2, Length = 3 }) ?? throw new InvalidOperationException("no range");
        Expect.Equal("234", await range.ReadTextAsync(), "ranged body");
        var suffix = await bucket.GetAsync(p + "docs/a.txt", new R2Range { Suffix = 4 }) ?? throw new InvalidOperationException("no suffix");
        Expect.Equal("cdef", await suffix.ReadTextAsync(), "suffix body");

        var head = await bucket.HeadAsync(p + "docs/a.txt") ?? throw new InvalidOperationException("no head");
        Expect.Equal(put.ETag, head.ETag, "head etag");

        byte[] binary = [0, 255, 1, 254];
        await bucket.PutAsync(p + "docs/b.bin", binary);
        await bucket.PutAsync(p + "top.txt", "top");
        Expect.True(Same(binary, await bucket.GetAsync(p + "docs/b.bin") is { } b ? await b.ReadAllBytesAsync() : null), "binary body");

        var folded = await bucket.ListAsync(new R2ListOptions { Prefix = p, Delimiter = "/" });
        Expect.Equal(p + "top.txt", string.Join(',', folded.Objects.Select(o => o.Key)), "objects above the delimiter");
        Expect.Equal(p + "docs/", string.Join(',', folded.DelimitedPrefixes), "delimited prefixes");

        var first = await bucket.ListAsync(new R2ListOptions { Prefix = p + "docs/", Limit = 1 });
        Expect.True(first.Truncated && first.Cursor is not null, "truncated page");
        Expect.Equal("text/plain", first.Objects[0].HttpMetadata.ContentType, "listed http metadata");
        var second = await bucket.ListAsync(new R2ListOptions { Prefix = p + "docs/", Limit = 1, Cursor = first.Cursor });
        Expect.Equal(p + "docs/b.bin", second.Objects.Single().Key, "second page");

        await bucket.DeleteAsync([p + "docs/a.txt", p + "docs/b.bin"]);
        Expect.True(await bucket.HeadAsync(p + "docs/a.txt") is null, "deleted object");
    }

    private static bool Same(byte[] expected, byte[]? actual) => actual is not null && expected.AsSpan().SequenceEqual(actual);
}
