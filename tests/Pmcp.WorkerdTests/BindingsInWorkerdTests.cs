using System.Net;

namespace Pmcp.WorkerdTests;

/// <summary>
/// KV, D1, R2 and Hyperdrive through the JS host's bindings, in real workerd under <c>dotnet pmcp dev</c> (wrangler's
/// local simulation). The scenarios run inside tests/Workers/KvD1R2Worker; each answers "ok" or the expectation that
/// failed. The shared contract suite covers the API in depth; these pin the interop itself.
/// </summary>
[Collection("workerd")]
public sealed class BindingsInWorkerdTests : IAsyncLifetime, IDisposable
{
    private const string Project = "tests/Workers/KvD1R2Worker";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync(Project);

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TheBindingsWorkInWorkerd()
    {
        Assert.Contains("D1 kvd1r2-db:", _worker.Output, StringComparison.Ordinal);
        foreach (var scenario in new[] { "kv", "d1", "r2" })
        {
            Assert.Equal("ok", await GetAsync($"/{scenario}/{_run}"));
        }

        Assert.StartsWith("D1_ERROR: no such table: missing_table", await GetAsync("/d1-error"), StringComparison.Ordinal);
        Assert.Matches(@"^[^|]+\|\d+\|app\|secret\|appdb\|cs$", await GetAsync("/hyperdrive"));
        Assert.Contains("[[kv_namespaces]]", await GetAsync("/missing"), StringComparison.Ordinal);

        Assert.Equal("answered first", await GetAsync($"/after/late-{_run}"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? late;
        do
        {
            using var response = await _http.GetAsync($"{_worker.BaseAddress}/kv-get/late-{_run}");
            late = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }
        while (late is null && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal("written after the response", late);
    }

    [Fact]
    public async Task DataSurvivesARestartOfDev()
    {
        Assert.Equal("kept", await GetAsync($"/keep/{_run}/v-{_run}"));

        await _worker.DisposeAsync();
        _worker = await RunningWorker.StartAsync(Project);

        Assert.Contains("migrations up to date", _worker.Output, StringComparison.Ordinal);
        Assert.Equal($"v-{_run}|v-{_run}|v-{_run}", await GetAsync($"/kept/{_run}"));
    }

    private async Task<string> GetAsync(string path)
    {
        using var response = await _http.GetAsync(_worker.BaseAddress + path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return text;
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }
}
