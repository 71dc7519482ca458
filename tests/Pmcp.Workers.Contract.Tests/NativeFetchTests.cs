using Pmcp.Testing;

namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// The outbound-HTTP cases natively, in process (.NET's own SocketsHttpHandler, under <c>new HttpClient()</c> and
/// under WorkersHttpHandler), against the test API on Kestrel; Pmcp.WorkerdTests runs the same list inside workerd.
/// </summary>
public sealed class NativeFetchTests : IClassFixture<HttpTestServerFixture>
{
    private readonly HttpTestServerFixture _server;

    public NativeFetchTests(HttpTestServerFixture server) => _server = server;

    public static TheoryData<string> Cases => new(FetchCases.All.Keys);

    public static TheoryData<string> AllClients => new(FetchCases.Clients.Concat(FetchCases.SharedClients));

    [Theory]
    [MemberData(nameof(Cases))]
    public Task FetchNatively(string name) => FetchCases.RunAsync(name, _server.Server.BaseAddress);

    [Theory]
    [MemberData(nameof(AllClients))]
    public async Task ThirtyTwoRequestsAtOnceEachMakingThreeFetches(string client)
    {
        var runs = Enumerable.Range(0, 32).Select(async _ =>
        {
            try
            {
                await Task.Run(() => FetchCases.RunAsync($"fetch.{client}.three_fetches", _server.Server.BaseAddress));
                return null;
            }
            catch (Exception e)
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        });

        var failures = (await Task.WhenAll(runs)).OfType<string>().ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 32 failed:\n" + string.Join('\n', failures));
    }
}

/// <summary>One test API for a test class.</summary>
public sealed class HttpTestServerFixture : IAsyncLifetime
{
    public HttpTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
