using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The bindings contract inside workerd: each case runs in tests/Workers/BindingsWorker against the request's real env
/// (wrangler dev --local: Cloudflare's own KV, D1 and R2 simulation). Pmcp.Workers.Contract.Tests runs the same list natively.
/// </summary>
[Collection("workerd")]
public sealed class BindingsContractTests(WorkerdFixture workers) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static TheoryData<string> Cases => new(ContractCases.All.Keys);

    public void Dispose() => _http.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BindingsContractInWorkerd(string name)
    {
        using var response = await _http.PostAsync($"{workers.Bindings.BaseAddress}/contract/{name}", content: null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(body == "pass", $"{name} in workerd: {(int)response.StatusCode} {body}");
    }

    [Fact]
    public async Task HyperdriveRequestsAtOnceKeepTheirSockets()
    {
        // Requests at once in one isolate, each holding sockets across awaits. .NET is one event loop, so a request's
        // continuation may run in a timer another request armed; each socket's I/O must still happen in the context of
        // the request that opened it (host/inbox.mjs), or workerd refuses it.
        string[] cases = ["hyperdrive.query_into_records", "hyperdrive.bytea", "hyperdrive.large_result", "hyperdrive.session_across_timers", "hyperdrive.types_raw", "sockets.raw_socket"];
        var runs = cases.Concat(cases).Concat(cases).Select(async name =>
        {
            using var response = await _http.PostAsync($"{workers.Bindings.BaseAddress}/contract/{name}", content: null);
            return $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        });

        var results = await Task.WhenAll(runs);
        Assert.All(results, result => Assert.EndsWith(": 200 pass", result, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnR2BodyKeptPastItsRequestFailsClearly()
    {
        // workerd cancels an object's stream when its request ends; reading it later must say so, not hang or crash.
        using (var keep = await _http.PostAsync($"{workers.Bindings.BaseAddress}/r2/keep", content: null))
        {
            Assert.Equal("kept", await keep.Content.ReadAsStringAsync());
        }

        using var read = await _http.PostAsync($"{workers.Bindings.BaseAddress}/r2/read-kept", content: null);
        var body = await read.Content.ReadAsStringAsync();
        Assert.StartsWith("WorkerException: The body of R2 object 'probes/kept' cannot be read:", body, StringComparison.Ordinal);
        Assert.Contains("request", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A20MbObjectStreamsThroughDotnetWithoutBeingHeldWhole()
    {
        const long Size = 20L * 1024 * 1024;
        using var memory = await _http.PostAsync($"{workers.Bindings.BaseAddress}/r2/memory/20", content: null);
        var report = await memory.Content.ReadAsStringAsync();
        Assert.True(memory.IsSuccessStatusCode, report);
        var values = report.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Size, values["read"]);
        // Chunks pass through: the upload reuses one buffer, and while reading the heap never holds anything near the
        // object's size (each chunk is a new array, so the total allocated is about the size; the GC reclaims them).
        Assert.True(values["putAllocated"] < Size / 8, report);
        Assert.True(values["getHeapGrowth"] < Size / 2, report);

        // The same object as a streamed response, byte for byte.
        using var download = await _http.GetAsync($"{workers.Bindings.BaseAddress}/r2/download", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await download.Content.ReadAsStreamAsync();
        var expected = new PatternStream(Size, seed: 21);
        var buffer = new byte[81920];
        var want = new byte[81920];
        long total = 0;
        int count;
        while ((count = await stream.ReadAsync(buffer)) > 0)
        {
            expected.ReadExactly(want.AsSpan(0, count));
            Assert.True(buffer.AsSpan(0, count).SequenceEqual(want.AsSpan(0, count)), $"the download differs within {count} bytes from {total}");
            total += count;
        }

        Assert.Equal(Size, total);
        Console.WriteLine($"r2 memory probe (workerd): {report}");
    }

    [Fact]
    public async Task TheWorkerListsTheSameCases()
    {
        // The trimmed Worker and this assembly must agree on the table, or a case could be skipped on one side unseen.
        var listed = await _http.GetStringAsync($"{workers.Bindings.BaseAddress}/contract");

        Assert.Equal(ContractCases.All.Keys, listed.Split('\n'));
    }
}
