using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// tests/Workers/MemoryWorker served by <c>dotnet pmcp dev</c>, and the test API its downloads read from: an isolate of
/// its own, so that the memory IsolateMemoryTests reads is what its request patterns made it.
/// </summary>
public sealed class MemoryWorkerFixture : IAsyncLifetime
{
    public RunningWorker Worker { get; private set; } = null!;

    public HttpTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await HttpTestServer.StartAsync();
        Worker = await RunningWorker.StartAsync("tests/Workers/MemoryWorker");
    }

    public async Task DisposeAsync()
    {
        if (Worker is not null)
        {
            await Worker.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition("workerd memory")]
public sealed class MemoryWorkerTestGroup : ICollectionFixture<MemoryWorkerFixture>;
