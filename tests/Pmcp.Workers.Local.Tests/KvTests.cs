using System.Text;
using System.Text.Json;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Tests;

public sealed class KvTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private readonly SqliteKvBackend _backend;
    private readonly KvNamespace _kv;

    public KvTests()
    {
        _backend = new SqliteKvBackend(_folder.File("kv/CACHE.sqlite"), _time);
        _kv = new KvNamespace("CACHE", _backend);
    }

    public void Dispose()
    {
        _backend.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task PutGetDeleteText()
    {
        Assert.Null(await _kv.GetTextAsync("missing"));
        await _kv.PutAsync("greeting", "héllo");
        Assert.Equal("héllo", await _kv.GetTextAsync("greeting"));
        await _kv.PutAsync("greeting", "again");
        Assert.Equal("again", await _kv.GetTextAsync("greeting"));
        await _kv.DeleteAsync("greeting");
        Assert.Null(await _kv.GetTextAsync("greeting"));
        await _kv.DeleteAsync("greeting"); // deleting an absent key is no error
    }

    [Fact]
    public async Task BinaryAndLargeValuesRoundTrip()
    {
        var bytes = new byte[5 * 1024 * 1024];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0;
        await _kv.PutAsync("blob", bytes);
        Assert.Equal(bytes, await _kv.GetBytesAsync("blob"));
    }

    [Fact]
    public async Task MetadataIsStoredAsJsonAndListed()
    {
        using var metadata = JsonDocument.Parse("""{"author":"ann","tags":[1,2]}""");
        await _kv.PutAsync("k", "v", new KvPutOptions { Metadata = metadata.RootElement.Clone() });
        var entry = await _kv.GetWithMetadataAsync("k");
        Assert.Equal("v", entry!.Text);
        Assert.Equal("ann", entry.Metadata!.Value.GetProperty("author").GetString());
        var listed = await _kv.ListAsync();
        Assert.Equal("ann", Assert.Single(listed.Keys).Metadata!.Value.GetProperty("author").GetString());
        Assert.Null((await _kv.GetWithMetadataAsync("missing")));
        await _kv.PutAsync("plain", "v");
        Assert.Null((await _kv.GetWithMetadataAsync("plain"))!.Metadata);
    }

    [Fact]
    public async Task ExpiredValuesAreGoneFromGetAndList()
    {
        await _kv.PutAsync("short", "v", new KvPutOptions { ExpirationTtl = 60 });
        await _kv.PutAsync("long", "v", new KvPutOptions { ExpirationTtl = 3600 });
        await _kv.PutAsync("forever", "v");
        var listed = await _kv.ListAsync();
        Assert.Equal(["forever", "long", "short"], listed.Keys.Select(k => k.Name));
        Assert.NotNull(listed.Keys.Single(k => k.Name == "short").Expiration);
        Assert.Null(listed.Keys.Single(k => k.Name == "forever").Expiration);

        _time.Now += TimeSpan.FromSeconds(61);
        Assert.Null(await _kv.GetTextAsync("short"));
        Assert.Equal("v", await _kv.GetTextAsync("long"));
        Assert.Equal(["forever", "long"], (await _kv.ListAsync()).Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task ListIsInUtf8ByteOrderWithPrefixAndCursor()
    {
        // UTF-16 order would put U+FF21 after U+1F600's surrogates; UTF-8 byte order (Cloudflare's) puts it first.
        string[] keys = ["a/2", "a/10", "a/1", "b", "A", "a/\uFF21", "a/\U0001F600", "a/é"];
        foreach (var key in keys)
        {
            await _kv.PutAsync(key, "v");
        }

        var expected = keys.Where(k => k.StartsWith("a/", StringComparison.Ordinal))
            .OrderBy(k => Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)))
            .ToList();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _kv.ListAsync(new KvListOptions { Prefix = "a/", Limit = 2, Cursor = cursor });
            pages++;
            Assert.True(page.Keys.Count <= 2);
            seen.AddRange(page.Keys.Select(k => k.Name));
            Assert.Equal(page.ListComplete, page.Cursor is null);
            cursor = page.Cursor;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
        Assert.Equal("a/\U0001F600", seen[^1]);
    }

    [Fact]
    public async Task PrefixWithLikeWildcardsIsLiteral()
    {
        await _kv.PutAsync("a%b", "v");
        await _kv.PutAsync("axb", "v");
        await _kv.PutAsync("a_c", "v");
        Assert.Equal(["a%b"], (await _kv.ListAsync(new KvListOptions { Prefix = "a%" })).Keys.Select(k => k.Name));
        Assert.Equal(["a_c"], (await _kv.ListAsync(new KvListOptions { Prefix = "a_" })).Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task ForeignCursorIsAClearError()
    {
        var error = await Assert.ThrowsAsync<WorkerException>(() => _kv.ListAsync(new KvListOptions { Cursor = "not-a-cursor" }));
        Assert.Contains("cursor", error.Message, StringComparison.Ordinal);
        Assert.Contains("previous page", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValuesSurviveReopening()
    {
        await _kv.PutAsync("kept", "yes", new KvPutOptions { ExpirationTtl = 600 });
        _backend.Dispose();
        using var reopened = new SqliteKvBackend(_folder.File("kv/CACHE.sqlite"), _time);
        Assert.Equal("yes", await new KvNamespace("CACHE", reopened).GetTextAsync("kept"));
    }

    [Fact]
    public async Task ParallelPutsAndGetsAllLand()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            await _kv.PutAsync($"key-{i:D3}", $"value-{i}");
            Assert.Equal($"value-{i}", await _kv.GetTextAsync($"key-{i:D3}"));
        }));
        var page = await _kv.ListAsync();
        Assert.Equal(200, page.Keys.Count);
        Assert.True(page.ListComplete);
    }

    [Fact]
    public async Task TwoBackendsOnOneFileSeeEachOther()
    {
        using var second = new SqliteKvBackend(_folder.File("kv/CACHE.sqlite"), _time);
        var other = new KvNamespace("CACHE", second);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? _kv : other).PutAsync($"k{i}", "v")));
        Assert.Equal(50, (await other.ListAsync()).Keys.Count);
    }
}
