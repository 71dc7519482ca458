using System.Net;
using Pmcp.Testing;
using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Service bindings in real workerd: <c>dotnet pmcp dev tests/Workers/ServicesWorker</c> serves the C# Worker and, with
/// wrangler's multi-config dev, the JS Worker its binding ECHO names (deploy.toml's <c>[workers.services] ECHO = {
/// project = "../EchoService" }</c>). Each of Pmcp.Workers.Contract's ServiceCases runs inside the C# Worker (POST
/// /service/{name}); the same cases run under <c>dev --native</c> (the binding sent over HTTP to a stand-in of the other
/// Worker) and in process in Pmcp.Workers.Contract.Tests.
/// </summary>
[Collection("workerd services")]
public sealed class ServiceBindingsInWorkerdTests : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private readonly RunningWorker _worker;
    private readonly RunningWorker _native;

    public ServiceBindingsInWorkerdTests(ServicesWorkerFixture fixture)
    {
        _worker = fixture.Worker;
        _native = fixture.Native;
    }

    public static TheoryData<string> Cases => new(ServiceCases.All.Keys);

    /// <summary>Each case through ECHO (the JS Worker: /service) and ECHO_CS (the C# Worker: /service-cs).</summary>
    public static TheoryData<string, string> CasesThroughEachWorker()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in ServiceCases.All.Keys)
        {
            data.Add("/service/", name);
            data.Add("/service-cs/", name);
        }

        return data;
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public void DevServesTheBoundWorkers()
    {
        Assert.Contains("Service binding ECHO: serving", _worker.Output, StringComparison.Ordinal);
        Assert.Contains("Service binding ECHO_CS: serving", _worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CasesThroughEachWorker))]
    public async Task ServiceInWorkerd(string route, string name)
    {
        var (status, body) = await PostAsync(route + name);
        Assert.True(body == "pass", $"{name} in workerd: {status} {body}\n{_worker.Output}");

        Assert.Equal("OK", await _http.GetStringAsync(_worker.BaseAddress + "/health"));
    }

    [Theory]
    [InlineData("/service/service.fetch_round_trip")]
    [InlineData("/service/service.shared_client")]
    [InlineData("/service-cs/service.fetch_round_trip")]
    [InlineData("/service-cs/service.shared_client")]
    public async Task SixteenRequestsAtOnceEachCallingTheBinding(string path)
    {
        // Each call must run in the I/O context of the request that made it ("Cannot perform I/O on behalf of a
        // different request" otherwise), a shared client included; with a C# Worker at the other end, both isolates
        // serve many requests at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => PostAsync(path)));

        var failures = results.Where(r => r.Body != "pass").Select(r => $"{r.Status} {r.Body}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 16 failed:\n" + string.Join('\n', failures));
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", _worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CasesThroughEachWorker))]
    public async Task ServiceUnderDevNative(string route, string name)
    {
        var (status, body) = await PostAsync(route + name, _native);
        Assert.True(body == "pass", $"{name} under dev --native: {status} {body}\n{_native.Output}");
    }

    [Fact]
    public async Task SixteenRequestsAtOnceUnderDevNative()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => PostAsync(i % 2 == 0 ? "/service/service.fetch_round_trip" : "/service/service.shared_client", _native)));

        var failures = results.Where(r => r.Body != "pass").Select(r => $"{r.Status} {r.Body}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 16 failed:\n" + string.Join('\n', failures));
    }

    [Fact]
    public async Task AnUnknownBindingIsAClearErrorAndTheWorkerKeepsServing()
    {
        using var response = await _http.GetAsync(_worker.BaseAddress + "/unbound");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.True(await _worker.OutputContainsAsync($"No service (another Worker) is bound as '{ContractBindings.Unbound}'", TimeSpan.FromSeconds(10)), _worker.Output);
        Assert.Equal((200, "pass"), await PostAsync("/service/service.fetch_round_trip"));
    }

    private async Task<(int Status, string Body)> PostAsync(string path, RunningWorker? worker = null)
    {
        using var response = await _http.PostAsync((worker ?? _worker).BaseAddress + path, null);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The ServicesWorker under dev in workerd, with the EchoService (JS) and EchoWorker (C#) beside it; and under <c>dev --native</c>, its binding
/// sent to ServiceEchoServer (the same answers on Kestrel) through <c>PMCP_SERVICE_URL_ECHO</c>.
/// </summary>
public sealed class ServicesWorkerFixture : IAsyncLifetime
{
    private const string Project = "tests/Workers/ServicesWorker";

    public RunningWorker Worker { get; private set; } = null!;

    public RunningWorker Native { get; private set; } = null!;

    public ServiceEchoServer Echo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Echo = await ServiceEchoServer.StartAsync();

        // Native first: its build must be done before wrangler dev starts watching the project.
        Native = await RunningWorker.StartAsync(
            new Dictionary<string, string>(WorkerdFixture.Environment) { ["PMCP_SERVICE_URL_ECHO"] = Echo.BaseAddress, ["PMCP_SERVICE_URL_ECHO_CS"] = Echo.BaseAddress },
            Project,
            "--native");
        Worker = await RunningWorker.StartAsync(Project);
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in new[] { Worker, Native })
        {
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }
        }

        if (Echo is not null)
        {
            await Echo.DisposeAsync();
        }
    }
}

/// <summary>Its own Workers (and isolates), so the shared workerd fixture is not needed to run these.</summary>
[CollectionDefinition("workerd services")]
public sealed class ServicesWorkerTestGroup : ICollectionFixture<ServicesWorkerFixture>;
