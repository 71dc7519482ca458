using Pmcp.Testing;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// The service-binding cases natively: the binding ECHO, declared in wrangler.toml's <c>[[services]]</c> as
/// tests/Workers/ServicesWorker declares it, goes over HTTP to the URL in <c>PMCP_SERVICE_URL_ECHO</c> (what
/// <c>dev --native</c> sets from deploy.toml's <c>url</c>), where ServiceEchoServer answers as tests/Workers/EchoService
/// does inside workerd; Pmcp.WorkerdTests runs the same list there.
/// </summary>
public sealed class NativeServiceTests(ServiceEchoFixture fixture) : IClassFixture<ServiceEchoFixture>, IDisposable
{
    private const string Wrangler = "[[services]]\nbinding = \"ECHO\"\nservice = \"pmcp-echo-service\"\n\n[[services]]\nbinding = \"ECHO_CS\"\nservice = \"echo-worker\"\n";
    private readonly string _state = Path.Combine(Path.GetTempPath(), "pmcp-services-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Cases => new(ServiceCases.All.Keys);

    public static TheoryData<string, string> CasesThroughEachBinding()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in ServiceCases.All.Keys)
        {
            data.Add(name, ContractBindings.Service);
            data.Add(name, ContractBindings.CSharpService);
        }

        return data;
    }

    public void Dispose()
    {
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(CasesThroughEachBinding))]
    public Task ServiceNatively(string name, string binding) => ServiceCases.RunAsync(name, Env(), binding);

    [Fact]
    public async Task SixteenRequestsAtOnceEachCallingTheBinding()
    {
        var runs = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                await Task.Run(() => ServiceCases.RunAsync(i % 2 == 0 ? "service.fetch_round_trip" : "service.shared_client", Env()));
                return null;
            }
            catch (Exception e)
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        });

        var failures = (await Task.WhenAll(runs)).OfType<string>().ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 16 failed:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void ABindingWithoutALocalUrlSaysWhereToSetIt()
    {
        var env = new Env(new LocalEnvSource(WranglerConfig.Parse(Wrangler, "wrangler.toml"), new Dictionary<string, string>(), _state, _ => null));

        var error = Assert.Throws<WorkerException>(() => env.Service(ContractBindings.Service));

        Assert.Contains("Service binding 'ECHO' (the Worker 'pmcp-echo-service') has no local URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("[workers.services]", error.Message, StringComparison.Ordinal);
        Assert.Contains("PMCP_SERVICE_URL_ECHO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableWorkerIsAnHttpRequestExceptionNamingTheBinding()
    {
        var closed = PostgresServer.ClosedPort();
        var env = new Env(new LocalEnvSource(WranglerConfig.Parse(Wrangler, "wrangler.toml"), new Dictionary<string, string>(), _state, name => name == "PMCP_SERVICE_URL_ECHO" ? $"http://127.0.0.1:{closed}" : null));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => env.Service(ContractBindings.Service).FetchAsync("/x"));

        Assert.Contains("through service binding 'ECHO'", error.Message, StringComparison.Ordinal);
    }

    private Env Env() => new(new LocalEnvSource(
        WranglerConfig.Parse(Wrangler, "wrangler.toml"),
        new Dictionary<string, string>(),
        _state,
        name => name is "PMCP_SERVICE_URL_ECHO" or "PMCP_SERVICE_URL_ECHO_CS" ? fixture.Echo.BaseAddress : null));
}

/// <summary>
/// One echo Worker stand-in for the class: the shared-client case keeps its client (and so the URL it was made with) for
/// the process, as a Worker's static client does.
/// </summary>
public sealed class ServiceEchoFixture : IAsyncLifetime
{
    public ServiceEchoServer Echo { get; private set; } = null!;

    public async Task InitializeAsync() => Echo = await ServiceEchoServer.StartAsync();

    public async Task DisposeAsync() => await Echo.DisposeAsync();
}
