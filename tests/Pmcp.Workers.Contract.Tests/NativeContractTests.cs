using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Contract.Tests;

/// <summary>
/// Every contract case against the native bindings (LocalEnvSource: KV and D1 on SQLite, R2 on files). The cases share
/// one state folder for the class, as a dev server's requests do.
/// </summary>
public sealed class NativeContractTests : IClassFixture<LocalContractProject>, IDisposable
{
    private readonly LocalContractProject _project;
    private readonly LocalEnvSource _source;

    public NativeContractTests(LocalContractProject project)
    {
        _project = project;
        _source = project.Open();
    }

    public static TheoryData<string> Cases => new(ContractCases.All.Keys);

    public void Dispose() => _source.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public Task BindingsContractNatively(string name) => ContractCases.RunAsync(name, new Env(_source));

    [Fact]
    public async Task EveryCaseAtOnceThenAgainAfterARestart()
    {
        // Concurrent requests on one state folder, then the same cases on a reopened one: the storage must be safe under
        // concurrency, and what earlier runs left behind must not disturb later ones.
        using (var first = _project.Open())
        {
            await RunAllAsync(new Env(first));
        }

        using var restarted = _project.Open();
        await RunAllAsync(new Env(restarted));
    }

    private static async Task RunAllAsync(Env env)
    {
        var runs = ContractCases.All.Select(async c =>
        {
            try
            {
                await Task.Run(() => c.Value(env));
                return null;
            }
            catch (Exception e)
            {
                return $"{c.Key}: {e.GetType().Name}: {e.Message}";
            }
        });

        var failures = (await Task.WhenAll(runs)).OfType<string>().ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {ContractCases.All.Count} cases failed when run together:\n" + string.Join('\n', failures));
    }
}
