using System.Globalization;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// The Durable Object cases natively: COUNTER declared in wrangler.toml's <c>[[durable_objects.bindings]]</c> as
/// tests/Workers/DurableWorker declares it, each object in its own SQLite file under the state folder, one event at a
/// time. Pmcp.WorkerdTests runs the same list inside workerd, and these cases again under <c>dev --native</c>.
/// </summary>
public sealed class NativeDurableObjectTests : IDisposable
{
    private const string Wrangler = "[[durable_objects.bindings]]\nname = \"COUNTER\"\nclass_name = \"ContractCounter\"\n";
    private readonly string _state = Path.Combine(Path.GetTempPath(), "pmcp-objects-" + Guid.NewGuid().ToString("N"));
    private readonly LocalEnvSource _source;

    public NativeDurableObjectTests()
    {
        // What the native host does for a Worker's [DurableObject] classes (WorkerEntryDiscovery.RegisterDurableObjects).
        DurableObjectClasses.Register<ContractCounter>(ContractBindings.CounterClass);
        _source = Source();
    }

    public static TheoryData<string> Cases => new(DurableObjectCases.All.Keys);

    public void Dispose()
    {
        _source.Dispose();
        if (Directory.Exists(_state))
        {
            Directory.Delete(_state, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public Task DurableObjectNatively(string name) => DurableObjectCases.RunAsync(name, new Env(_source));

    [Fact]
    public async Task SixteenRequestsAtOnceIncrementOneObjectWithoutALostUpdate()
    {
        var name = "shared-" + Guid.NewGuid().ToString("N");
        var counts = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => IncrementAsync(new Env(_source), name))));

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), counts.Order());
    }

    [Fact]
    public async Task EachObjectIsItsOwnSqliteFileAndOutlivesTheProcessItsHostWasIn()
    {
        var name = "kept-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 3; i++)
        {
            await IncrementAsync(new Env(_source), name);
        }

        var id = new Env(_source).DurableObject(ContractBindings.Counter).IdFromName(name);
        Assert.True(File.Exists(Path.Combine(_state, "do", ContractBindings.CounterClass, id.Hex + ".sqlite")));

        // A new host on the same state folder (what a restart of dev --native is): the count is still there.
        using var restarted = Source();
        Assert.Equal(4, await IncrementAsync(new Env(restarted), name, _source));
    }

    [Fact]
    public async Task AnEventWaitsForTheOneBeforeItButACallBackIntoTheObjectDoesNot()
    {
        // Both in one case: an object calling itself answers (DurableObjectCases' do.calls_itself), while eight events
        // from outside keep exact counts (do.eight_increments_at_once), at the same time.
        var env = new Env(_source);
        await Task.WhenAll(DurableObjectCases.RunAsync("do.calls_itself", env), DurableObjectCases.RunAsync("do.eight_increments_at_once", env));
    }

    [Fact]
    public async Task AnAlarmSetBeforeARestartRunsAfterIt()
    {
        var id = new Env(_source).DurableObject(ContractBindings.Counter).NewUniqueId();
        var stub = new Env(_source).DurableObject(ContractBindings.Counter).Get(id);
        using (await stub.FetchAsync("/alarm/set?in=1500"))
        {
        }

        // The host stops before the alarm is due (its timers with it), and a new one starts on the same state folder.
        _source.Dispose();
        using var restarted = Source();
        Assert.Equal(1, await restarted.ResumeDurableObjectAlarmsAsync());
        var again = new Env(restarted).DurableObject(ContractBindings.Counter).Get(id);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string runs;
        do
        {
            await Task.Delay(200);
            using var response = await again.FetchAsync("/alarm/runs");
            runs = await response.Content.ReadAsStringAsync();
        }
        while (runs != "1 0" && DateTime.UtcNow < deadline);

        Assert.Equal("1 0", runs);
    }

    private LocalEnvSource Source() => new(WranglerConfig.Parse(Wrangler, "wrangler.toml"), new Dictionary<string, string>(), _state, _ => null);

    private static async Task<long> IncrementAsync(Env env, string name, LocalEnvSource? release = null)
    {
        // The first host must let go of the object's file before a second one opens it, as a stopped process does.
        release?.Dispose();
        using var response = await env.DurableObject(ContractBindings.Counter).GetByName(name).FetchAsync(new HttpRequestMessage(HttpMethod.Post, "/increment"));
        return long.Parse(await response.Content.ReadAsStringAsync(), CultureInfo.InvariantCulture);
    }
}
