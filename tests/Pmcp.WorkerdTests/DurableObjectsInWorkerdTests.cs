using System.Globalization;
using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Durable Objects in real workerd: <c>dotnet pmcp dev tests/Workers/DurableWorker</c> (wrangler's local Durable Objects,
/// SQLite-backed through the <c>new_sqlite_classes</c> migration the CLI writes) runs each of Pmcp.Workers.Contract's
/// DurableObjectCases inside the C# Worker (<c>POST /do/{name}</c>), and the same cases under <c>dev --native</c>
/// (one SQLite file per object). Counting from outside, many requests at once on one object lose no update in either host.
/// </summary>
[Collection("workerd durable objects")]
public sealed class DurableObjectsInWorkerdTests(DurableWorkerFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };

    public static TheoryData<string> Cases => new(DurableObjectCases.All.Keys);

    public void Dispose() => _http.Dispose();

    [Fact]
    public void TheCliWroteTheBindingAndTheMigration()
    {
        var wrangler = File.ReadAllText(Path.Combine(Pmcp.Testing.RepoPaths.Root, DurableWorkerFixture.Project, ".pmcp", "workers", "wrangler.toml"));

        Assert.Contains("[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"ContractCounter\"", wrangler, StringComparison.Ordinal);
        Assert.Contains("[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"ContractCounter\"]", wrangler, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DurableObjectInWorkerd(string name)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, fixture.Worker, "/do/" + name);
        Assert.True(body == "pass", $"{name} in workerd: {status} {body}\n{fixture.Worker.Output}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task DurableObjectUnderDevNative(string name)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, fixture.Native, "/do/" + name);
        Assert.True(body == "pass", $"{name} under dev --native: {status} {body}\n{fixture.Native.Output}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SixteenRequestsAtOnceIncrementOneObjectWithoutALostUpdate(bool native)
    {
        var worker = native ? fixture.Native : fixture.Worker;
        var name = "shared-" + Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => SendAsync(HttpMethod.Post, worker, "/count/" + name)));

        Assert.True(results.All(r => r.Status == 200), string.Join('\n', results.Select(r => $"{r.Status} {r.Body}")) + "\n" + worker.Output);
        // Each increment saw its own count: 1 to 16, once each.
        Assert.Equal(Enumerable.Range(1, 16), results.Select(r => int.Parse(r.Body, CultureInfo.InvariantCulture)).Order());
        Assert.Equal((200, "16"), await SendAsync(HttpMethod.Get, worker, "/count/" + name));
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnObjectThatThrowsIsLoggedAndItsWorkerKeepsServing()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, fixture.Worker, "/do/do.object_failure_reaches_caller");

        Assert.True(body == "pass", $"{status} {body}");
        Assert.True(await fixture.Worker.OutputContainsAsync("the object failed on purpose", TimeSpan.FromSeconds(10)), fixture.Worker.Output);
        Assert.Equal("OK", await _http.GetStringAsync(fixture.Worker.BaseAddress + "/health"));
    }

    private async Task<(int Status, string Body)> SendAsync(HttpMethod method, RunningWorker worker, string path)
    {
        using var request = new HttpRequestMessage(method, worker.BaseAddress + path);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The DurableWorker under dev in workerd and under <c>dev --native</c>. Its state (wrangler's, and the native host's
/// .pmcp/state/do) stays between runs, which the cases tolerate: each uses objects of its own.
/// </summary>
public sealed class DurableWorkerFixture : IAsyncLifetime
{
    public const string Project = "tests/Workers/DurableWorker";

    public RunningWorker Worker { get; private set; } = null!;

    public RunningWorker Native { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Native first: its build must be done before wrangler dev starts watching the project.
        Native = await RunningWorker.StartAsync(Project, "--native");
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
    }
}

/// <summary>Its own Workers (and isolates), so the shared workerd fixture is not needed to run these.</summary>
[CollectionDefinition("workerd durable objects")]
public sealed class DurableWorkerTestGroup : ICollectionFixture<DurableWorkerFixture>;
