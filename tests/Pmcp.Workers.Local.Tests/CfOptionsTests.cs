using Pmcp.Workers.Http;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// Workers' cf options travel as the JSON the JS host parses (tests/host/fetch.test.mjs checks that half), under the
/// fetch-options entry .NET's browser handler hands to fetch().
/// </summary>
public sealed class CfOptionsTests
{
    private static readonly HttpRequestOptionsKey<IDictionary<string, object>> FetchOptions = new("WebAssemblyFetchOptions");

    [Fact]
    public void SetCfWritesOnlyWhatIsSetInWorkersNames()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example/x").SetCf(new CfProperties
        {
            CacheTtl = 300,
            CacheEverything = true,
            CacheTtlByStatus = new Dictionary<string, int> { ["200-299"] = 60, ["404"] = 1 },
            CacheTags = ["weather"],
        });

        Assert.True(request.Options.TryGetValue(FetchOptions, out var options));
        Assert.Equal(
            """{"cacheTtl":300,"cacheEverything":true,"cacheTtlByStatus":{"200-299":60,"404":1},"cacheTags":["weather"]}""",
            options["cf"]);
    }

    [Fact]
    public void SetCfKeepsTheRequestsOtherFetchOptions()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example/x");
        request.Options.Set(FetchOptions, new Dictionary<string, object> { ["redirect"] = "manual" });

        request.SetCf(new CfProperties { ResolveOverride = "origin.example" });

        Assert.True(request.Options.TryGetValue(FetchOptions, out var options));
        Assert.Equal("manual", options["redirect"]);
        Assert.Equal("""{"resolveOverride":"origin.example"}""", options["cf"]);
    }
}
