namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// The outbound WebSocket cases natively, in process (a ClientWebSocket behind WorkersWebSocket), against the test API
/// on Kestrel; Pmcp.WorkerdTests runs the same list inside workerd.
/// </summary>
public sealed class NativeWebSocketTests : IClassFixture<HttpTestServerFixture>
{
    private readonly HttpTestServerFixture _server;

    public NativeWebSocketTests(HttpTestServerFixture server) => _server = server;

    public static TheoryData<string> Cases => new(WebSocketCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task WebSocketNatively(string name) => WebSocketCases.RunAsync(name, _server.Server.BaseAddress);

    [Fact]
    public async Task SixteenAtOnce()
    {
        var runs = Enumerable.Range(0, 16).Select(async i =>
        {
            var name = WebSocketCases.All.Keys.ElementAt(i % WebSocketCases.All.Count);
            try
            {
                await Task.Run(() => WebSocketCases.RunAsync(name, _server.Server.BaseAddress));
                return null;
            }
            catch (Exception e)
            {
                return $"{name}: {e.GetType().Name}: {e.Message}";
            }
        });

        var failures = (await Task.WhenAll(runs)).OfType<string>().ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 16 failed:\n" + string.Join('\n', failures));
    }
}
