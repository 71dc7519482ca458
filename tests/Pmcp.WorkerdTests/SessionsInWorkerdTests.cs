using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>Sessions in workerd, against the Conformance sample (its wrangler.toml sets <c>PMCP_SESSIONS</c>): the scenarios the native host runs.</summary>
[Collection("workerd")]
public sealed class SessionsInWorkerdTests(WorkerdFixture workers) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public Task LifecycleRefusalsAndDelete() => SessionScenarios.LifecycleAsync(_http, workers.Conformance.McpUrl);

    [Fact]
    public Task AStreamResumesAfterLastEventId() => SessionScenarios.ResumeAsync(_http, workers.Conformance.McpUrl);

    [Fact]
    public Task EightConcurrentSessionsHearOnlyTheirOwnUpdates() => SessionScenarios.ConcurrentSessionsAsync(_http, workers.Conformance.McpUrl, 8);
}
