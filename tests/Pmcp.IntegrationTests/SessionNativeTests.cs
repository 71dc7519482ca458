using Conformance;
using Pmcp.Testing;

namespace Pmcp.IntegrationTests;

/// <summary>Sessions (<c>PMCP_SESSIONS=true</c>) on the native host, against the Conformance sample: the same scenarios the workerd tests run.</summary>
public sealed class SessionNativeTests : IAsyncLifetime, IDisposable
{
    private NativeServer _server = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public async Task InitializeAsync() => _server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), o => o.Vars["PMCP_SESSIONS"] = "true");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public Task LifecycleRefusalsAndDelete() => SessionScenarios.LifecycleAsync(_http, _server.McpUrl);

    [Fact]
    public Task AStreamResumesAfterLastEventId() => SessionScenarios.ResumeAsync(_http, _server.McpUrl);

    [Fact]
    public Task EightConcurrentSessionsHearOnlyTheirOwnUpdates() => SessionScenarios.ConcurrentSessionsAsync(_http, _server.McpUrl, 8);
}
