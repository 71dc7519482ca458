using System.Globalization;
using Pmcp.Testing;
using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Outbound HTTP from C# inside workerd: each of Pmcp.Workers.Contract's FetchCases runs in tests/Workers/BindingsWorker
/// (POST /fetch/{name}) against a test API on Kestrel that this class starts; Pmcp.Workers.Contract.Tests runs the same
/// cases natively. .NET is one event loop for every request of the isolate, so what matters most is many requests
/// at once, each fetching in its own I/O context.
/// </summary>
[Collection("workerd")]
public sealed class FetchInWorkerdTests(WorkerdFixture workers) : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private HttpTestServer _server = null!;

    public static TheoryData<string> Cases => new(FetchCases.All.Keys);

    public static TheoryData<string> AllClients => new(FetchCases.Clients.Concat(FetchCases.SharedClients));

    public static TheoryData<string> Clients => new(FetchCases.Clients);

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FetchInWorkerd(string name)
    {
        var (status, body) = await PostAsync("/fetch/" + name);
        Assert.True(body == "pass", $"{name} in workerd: {status} {body}");

        // Whatever the case did (a refused connection, an abort), the Worker keeps serving.
        Assert.Equal("OK", await _http.GetStringAsync(workers.Bindings.BaseAddress + "/health"));
    }

    [Theory]
    [MemberData(nameof(AllClients))]
    public async Task ThirtyTwoRequestsAtOnceEachMakingThreeFetches(string client)
    {
        // The failure this guards against: a fetch started, or its body read, from another request's I/O context
        // ("Cannot perform I/O on behalf of a different request"), which happens as soon as requests overlap.
        var runs = Enumerable.Range(0, 32).Select(_ => PostAsync($"/fetch/fetch.{client}.three_fetches"));
        var results = await Task.WhenAll(runs);

        var failures = results.Where(r => r.Body != "pass").Select(r => $"{r.Status} {r.Body}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 32 failed:\n" + string.Join('\n', failures));
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", workers.Bindings.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task A50MbDownloadStreamsThroughDotnetWithoutBeingHeldWhole(string client)
    {
        const long Size = 50L * 1024 * 1024;
        var (status, report) = await PostAsync($"/fetch-memory/{client}/50");
        Assert.True(status == 200, report);
        var values = report.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.Equal(Size, values["read"]);
        // Each chunk is a new array, so about the size is allocated in all; what is held at any time stays small.
        Assert.True(values["heapGrowth"] < Size / 8, report);
        Assert.True(values["committedGrowth"] < Size / 4, report);
        Console.WriteLine($"fetch memory probe (workerd, {client}): {report}");

        Assert.Equal("OK", await _http.GetStringAsync(workers.Bindings.BaseAddress + "/health"));
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task AResponseReadAfterItsRequestEndedFailsClearly(string client)
    {
        // workerd cancels a request's fetches when it ends; reading the body later must say so, not hang or crash.
        Assert.Equal((200, "kept"), await PostAsync("/fetch-keep/" + client));

        var (_, read) = await PostAsync("/fetch-read-kept");
        Assert.Contains("has ended", read, StringComparison.Ordinal);
        Assert.Equal("OK", await _http.GetStringAsync(workers.Bindings.BaseAddress + "/health"));
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task AFetchFromWorkOutsideAnyRequestFailsClearly(string client)
    {
        var (_, answer) = await PostAsync("/fetch-outside/" + client);

        Assert.Contains("outside a request", answer, StringComparison.Ordinal);
        Assert.Equal("OK", await _http.GetStringAsync(workers.Bindings.BaseAddress + "/health"));
    }

    [Fact]
    public async Task TheWorkerListsTheSameCases()
    {
        var listed = await _http.GetStringAsync(workers.Bindings.BaseAddress + "/fetch");

        Assert.Equal(FetchCases.All.Keys, listed.Split('\n'));
    }

    private async Task<(int Status, string Body)> PostAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, workers.Bindings.BaseAddress + path);
        request.Headers.Add("X-Fetch-Server", _server.BaseAddress);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
