using System.Net;
using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Service bindings in real workerd: <c>dotnet pmcp dev tests/Workers/ServicesWorker</c> serves the C# Worker and, with
/// wrangler's multi-config dev, the JS Worker its binding ECHO names (deploy.toml's <c>[workers.services] ECHO = {
/// project = "../EchoService" }</c>). Each of Pmcp.Workers.Contract's ServiceCases runs inside the C# Worker (POST
/// /service/{name}); Pmcp.Workers.Contract.Tests runs the same cases natively.
/// </summary>
[Collection("workerd services")]
public sealed class ServiceBindingsInWorkerdTests : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private readonly RunningWorker _worker;

    public ServiceBindingsInWorkerdTests(ServicesWorkerFixture fixture) => _worker = fixture.Worker;

    public static TheoryData<string> Cases => new(ServiceCases.All.Keys);

    public void Dispose() => _http.Dispose();

    [Fact]
    public void DevServesBothWorkers() =>
        Assert.Contains("Service binding ECHO: serving", _worker.Output, StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ServiceInWorkerd(string name)
    {
        var (status, body) = await PostAsync("/service/" + name);
        Assert.True(body == "pass", $"{name} in workerd: {status} {body}\n{_worker.Output}");

        Assert.Equal("OK", await _http.GetStringAsync(_worker.BaseAddress + "/health"));
    }

    [Theory]
    [InlineData("service.fetch_round_trip")]
    [InlineData("service.shared_client")]
    public async Task SixteenRequestsAtOnceEachCallingTheBinding(string name)
    {
        // Each call must run in the I/O context of the request that made it ("Cannot perform I/O on behalf of a
        // different request" otherwise), a shared client included.
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => PostAsync("/service/" + name)));

        var failures = results.Where(r => r.Body != "pass").Select(r => $"{r.Status} {r.Body}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 16 failed:\n" + string.Join('\n', failures));
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", _worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownBindingIsAClearErrorAndTheWorkerKeepsServing()
    {
        using var response = await _http.GetAsync(_worker.BaseAddress + "/unbound");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(await _worker.OutputContainsAsync($"No service (another Worker) is bound as '{ContractBindings.Unbound}'", TimeSpan.FromSeconds(10)), _worker.Output);
        Assert.Equal((200, "pass"), await PostAsync("/service/service.fetch_round_trip"));
    }

    private async Task<(int Status, string Body)> PostAsync(string path)
    {
        using var response = await _http.PostAsync(_worker.BaseAddress + path, null);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>The ServicesWorker under dev, with the EchoService beside it, for the class.</summary>
public sealed class ServicesWorkerFixture : IAsyncLifetime
{
    public RunningWorker Worker { get; private set; } = null!;

    public async Task InitializeAsync() => Worker = await RunningWorker.StartAsync("tests/Workers/ServicesWorker");

    public async Task DisposeAsync()
    {
        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }
    }
}

/// <summary>Its own Workers (and isolates), so the shared workerd fixture is not needed to run these.</summary>
[CollectionDefinition("workerd services")]
public sealed class ServicesWorkerTestGroup : ICollectionFixture<ServicesWorkerFixture>;
