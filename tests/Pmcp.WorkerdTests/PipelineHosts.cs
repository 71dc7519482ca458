using System.Net.Http.Headers;
using System.Text;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// One project served by both hosts at once: a copy of <c>tests/Workers/RoutesWorker</c> (an <c>IWorker</c> with a
/// Router) whose <c>.dev.vars</c> sets <c>MCP_API_KEY</c>, under <c>dotnet pmcp dev --native</c> (Kestrel) and
/// <c>dotnet pmcp dev</c> (workerd, started from its start-up image). Before anything else reaches the Worker in
/// workerd, an unauthenticated MCP request is sent: the key must already hold for it.
/// </summary>
public sealed class PipelineHosts : IAsyncLifetime
{
    public const string ApiKey = "pipeline-test-key";

    private readonly string _copy = Path.Combine(RepoPaths.Root, "tests", "Workers", ".routes-pipeline");

    /// <summary>The project both hosts serve (a copy of RoutesWorker), built.</summary>
    public string ProjectDirectory => _copy;

    public RunningWorker Native { get; private set; } = null!;

    public RunningWorker Workerd { get; private set; } = null!;

    /// <summary>The build <see cref="Workerd"/> serves, in workerd alone, with the same key and dev's loopback Host names.</summary>
    public RawWorkerd RawWorkerd { get; private set; } = null!;

    /// <summary>What workerd answered to the first request that reached the restored Worker: an MCP call without the key.</summary>
    public (int Status, string? Challenge, string Body) FirstWorkerdAnswer { get; private set; }

    public async Task InitializeAsync()
    {
        await ProjectCopy.CreateAsync(Path.Combine(RepoPaths.Root, "tests", "Workers", "RoutesWorker"), _copy, $"MCP_API_KEY={ApiKey}\n");

        // Native first: its build must be done before wrangler dev starts watching the project.
        // --request-log json: dev shows each MCP message's structured line as the Worker wrote it (RequestLogTests).
        Native = await RunningWorker.StartAsync(WorkerdFixture.Environment, _copy, "--native", "--request-log", "json");
        Workerd = await RunningWorker.StartAsync(new Dictionary<string, string>(WorkerdFixture.Environment) { ["PMCP_SNAPSHOT"] = "on" }, _copy, "--request-log", "json");

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, Workerd.McpUrl)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request);
        FirstWorkerdAnswer = ((int)response.StatusCode, response.Headers.WwwAuthenticate.ToString(), await response.Content.ReadAsStringAsync());

        RawWorkerd = await RawWorkerd.StartAsync(Path.Combine(_copy, ".pmcp", "workers"), new Dictionary<string, string>
        {
            ["MCP_API_KEY"] = ApiKey,
            ["PMCP_ALLOWED_HOSTS"] = string.Join(',', Pmcp.Http.StreamableHttpOptions.LoopbackHosts),
        });
    }

    public async Task DisposeAsync()
    {
        if (RawWorkerd is not null)
        {
            await RawWorkerd.DisposeAsync();
        }

        await ProjectCopy.StopAsync(_copy, Workerd, Native);
    }
}

[CollectionDefinition("pipeline")]
public sealed class PipelineTestGroup : ICollectionFixture<PipelineHosts>;
