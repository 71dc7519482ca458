namespace Pmcp.WorkerdTests;

/// <summary>
/// <c>dotnet pmcp test check</c> against samples/WeatherApi in both hosts (the collection's servers, against the
/// stand-in weather API): nothing fails, and its tools are called.
/// </summary>
[Collection("weatherapi")]
public sealed class WeatherApiCheckTests(WeatherApiHosts hosts)
{
    [Theory]
    [InlineData("workerd")]
    [InlineData("native")]
    public async Task WeatherApiPassesTestCheck(string host)
    {
        await SamplesPassTestCheckTests.AssertPassesAsync(hosts.Host(host).McpUrl, "get_forecast");
    }
}
