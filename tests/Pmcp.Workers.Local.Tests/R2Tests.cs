using System.Security.Cryptography;
using System.Text;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Tests;

public sealed class R2Tests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FileR2Backend _backend;
    private readonly R2Bucket _bucket;

    public R2Tests()
    {
        _backend = new FileR2Backend(_folder.File("r2/files"));
        _bucket = new R2Bucket("STORAGE", _backend);
    }

    public void Dispose()
    {
        _backend.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task PutGetHeadDelete()
    {
        var put = await _bucket.PutAsync("docs/a.txt", "hello", new R2PutOptions
        {
            HttpMetadata = new R2HttpMetadata { ContentType = "text/plain", CacheControl = "no-store" },
            CustomMetadata = new Dictionary<string, string> { ["owner"] = "ann" },
        });
        Assert.Equal(5, put.Size);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("hello"u8)), put.ETag);

        var got = await _bucket.GetAsync("docs/a.txt");
        Assert.Equal("hello", await got!.ReadTextAsync());
        Assert.Equal("text/plain", got.HttpMetadata.ContentType);
        Assert.Equal("no-store", got.HttpMetadata.CacheControl);
        Assert.Equal("ann", got.CustomMetadata["owner"]);
        Assert.Equal(put.Uploaded, got.Uploaded);

        var head = await _bucket.HeadAsync("docs/a.txt");
        Assert.Equal(put.ETag, head!.ETag);
        Assert.Null(await _bucket.GetAsync("docs/missing"));
        Assert.Null(await _bucket.HeadAsync("docs/missing"));

        await _bucket.DeleteAsync(["docs/a.txt", "docs/missing"]);
        Assert.Null(await _bucket.GetAsync("docs/a.txt"));
        Assert.Empty(Directory.GetFiles(_folder.File("r2/files/objects"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task KeysNeverBecomePaths()
    {
        string[] keys = ["../../escape", "/abs", "a\\b", "con", "x/./y", "..", "emoji 😀 ?*:<>|"];
        foreach (var key in keys)
        {
            await _bucket.PutAsync(key, key);
        }

        foreach (var key in keys)
        {
            Assert.Equal(key, await (await _bucket.GetAsync(key))!.ReadTextAsync());
        }

        Assert.False(File.Exists(_folder.File("escape")));
        Assert.All(Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories), f => Assert.StartsWith(_folder.File("r2/files"), f, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RangesReadPartsOfTheBody()
    {
        await _bucket.PutAsync("digits", "0123456789");
        Assert.Equal("234", await (await _bucket.GetAsync("digits", new R2Range { Offset = 2, Length = 3 }))!.ReadTextAsync());
        Assert.Equal("789", await (await _bucket.GetAsync("digits", new R2Range { Offset = 7 }))!.ReadTextAsync());
        Assert.Equal("01", await (await _bucket.GetAsync("digits", new R2Range { Length = 2 }))!.ReadTextAsync());
        Assert.Equal("89", await (await _bucket.GetAsync("digits", new R2Range { Offset = 8, Length = 50 }))!.ReadTextAsync());
        var suffix = await _bucket.GetAsync("digits", new R2Range { Suffix = 4 });
        Assert.Equal("6789", await suffix!.ReadTextAsync());
        Assert.Equal(10, suffix.Size);
        Assert.Equal(6, suffix.Range!.Offset);
        Assert.Equal(4, suffix.Range.Length);
        Assert.Equal("0123456789", await (await _bucket.GetAsync("digits", new R2Range { Suffix = 100 }))!.ReadTextAsync());
        var error = await Assert.ThrowsAsync<WorkerException>(() => _bucket.GetAsync("digits", new R2Range { Offset = 11 }));
        Assert.Contains("not satisfiable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListWithPrefixDelimiterAndCursor()
    {
        foreach (var key in new[] { "a.txt", "photos/2024/1.jpg", "photos/2024/2.jpg", "photos/2025/1.jpg", "photos/cover.jpg", "z.txt" })
        {
            await _bucket.PutAsync(key, "x");
        }

        var root = await _bucket.ListAsync(new R2ListOptions { Delimiter = "/" });
        Assert.Equal(["a.txt", "z.txt"], root.Objects.Select(o => o.Key));
        Assert.Equal(["photos/"], root.DelimitedPrefixes);
        Assert.False(root.Truncated);
        Assert.Null(root.Cursor);

        var photos = await _bucket.ListAsync(new R2ListOptions { Prefix = "photos/", Delimiter = "/" });
        Assert.Equal(["photos/cover.jpg"], photos.Objects.Select(o => o.Key));
        Assert.Equal(["photos/2024/", "photos/2025/"], photos.DelimitedPrefixes);

        // One entry per page: objects and prefixes each count, and a prefix's keys are never seen again.
        var entries = new List<string>();
        string? cursor = null;
        do
        {
            var page = await _bucket.ListAsync(new R2ListOptions { Prefix = "photos/", Delimiter = "/", Limit = 1, Cursor = cursor });
            entries.AddRange(page.Objects.Select(o => o.Key).Concat(page.DelimitedPrefixes));
            Assert.Equal(page.Truncated, page.Cursor is not null);
            cursor = page.Cursor;
        }
        while (cursor is not null);

        Assert.Equal(["photos/2024/", "photos/2025/", "photos/cover.jpg"], entries);

        var flat = new List<string>();
        cursor = null;
        do
        {
            var page = await _bucket.ListAsync(new R2ListOptions { Limit = 4, Cursor = cursor });
            flat.AddRange(page.Objects.Select(o => o.Key));
            cursor = page.Cursor;
        }
        while (cursor is not null);

        Assert.Equal(6, flat.Count);
        Assert.Equal(flat.OrderBy(k => k, StringComparer.Ordinal), flat);
    }

    [Fact]
    public async Task ObjectsSurviveReopening()
    {
        var bytes = new byte[3 * 1024 * 1024];
        new Random(3).NextBytes(bytes);
        await _bucket.PutAsync("big.bin", bytes, new R2PutOptions { CustomMetadata = new Dictionary<string, string> { ["k"] = "v" } });
        _backend.Dispose();
        using var reopened = new FileR2Backend(_folder.File("r2/files"));
        var got = await new R2Bucket("STORAGE", reopened).GetAsync("big.bin");
        Assert.Equal(bytes, await got!.ReadAllBytesAsync());
        Assert.Equal("v", got.CustomMetadata["k"]);
    }

    [Fact]
    public async Task ParallelPutsAndGets()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var key = $"k/{i % 20}"; // overwrites race on the same keys
            await _bucket.PutAsync(key, Encoding.UTF8.GetBytes($"value {i}"));
            var got = await _bucket.GetAsync(key);
            var body = await got!.ReadAllBytesAsync();
            Assert.StartsWith("value ", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(body)), got.ETag);
        }));
        Assert.Equal(20, (await _bucket.ListAsync()).Objects.Count);
        Assert.Equal(20, Directory.GetFiles(_folder.File("r2/files/objects"), "*", SearchOption.AllDirectories).Length);
    }
}
