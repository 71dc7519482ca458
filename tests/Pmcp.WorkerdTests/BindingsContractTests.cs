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
    public async Task TheWorkerListsTheSameCases()
    {
        // The trimmed Worker and this assembly must agree on the table, or a case could be skipped on one side unseen.
        var listed = await _http.GetStringAsync($"{workers.Bindings.BaseAddress}/contract");

        Assert.Equal(ContractCases.All.Keys, listed.Split('\n'));
    }
}
