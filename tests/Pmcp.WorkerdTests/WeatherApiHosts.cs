using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// samples/WeatherApi served by both hosts at once against a stand-in weather API (<see cref="HttpTestServer"/>'s
/// <c>/weather</c>): a copy of the sample whose <c>.dev.vars</c> points <c>API_BASE_URL</c> at the stand-in (a
/// <c>.dev.vars</c> value wins over wrangler.toml's <c>[vars]</c>, in both hosts) and sets the token and webhook
/// secret, under <c>dotnet pmcp dev --native</c> (Kestrel) and <c>dotnet pmcp dev</c> (workerd).
/// </summary>
public sealed class WeatherApiHosts : IAsyncLifetime
{
    public const string WebhookSecret = "webhook-test-secret";

    private readonly string _copy = Path.Combine(RepoPaths.Root, "samples", ".weatherapi-test");

    public HttpTestServer Api { get; private set; } = null!;

    /// <summary>The token the sample sends (its API_TOKEN secret), which the stand-in accepts unless a test changes it.</summary>
    public string Token { get; private set; } = "";

    public RunningWorker Native { get; private set; } = null!;

    public RunningWorker Workerd { get; private set; } = null!;

    public RunningWorker Host(string name) => name == "workerd" ? Workerd : Native;

    public async Task InitializeAsync()
    {
        Api = await HttpTestServer.StartAsync();
        Token = Api.WeatherToken;
        await ProjectCopy.CreateAsync(Path.Combine(RepoPaths.Root, "samples", "WeatherApi"), _copy,
            $"API_BASE_URL={Api.BaseAddress}/weather\nAPI_TOKEN={Token}\nWEBHOOK_SECRET={WebhookSecret}\nAPI_TIMEOUT_SECONDS=5\n");

        // Native first: its build must be done before wrangler dev starts watching the project.
        Native = await RunningWorker.StartAsync(WorkerdFixture.Environment, _copy, "--native");
        Workerd = await RunningWorker.StartAsync(WorkerdFixture.Environment, _copy);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await ProjectCopy.StopAsync(_copy, Workerd, Native);
        }
        finally
        {
            if (Api is not null)
            {
                await Api.DisposeAsync();
            }
        }
    }
}

[CollectionDefinition("weatherapi")]
public sealed class WeatherApiTestGroup : ICollectionFixture<WeatherApiHosts>;
