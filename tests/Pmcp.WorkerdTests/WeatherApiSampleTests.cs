using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.WorkerdTests;

/// <summary>
/// samples/WeatherApi (issue 12) in workerd and natively, each against the same stand-in weather API: the forecast
/// arrives, a second call comes from KV without reaching the API, the API's failures are tool errors that never
/// carry the token, webhook signatures are checked, and eight calls at once each make their own fetch.
/// No test here skips: without Node, wrangler or workerd the fixture fails (so CI=true never passes on a missing tool).
/// </summary>
[Collection("weatherapi")]
public sealed class WeatherApiSampleTests(WeatherApiHosts hosts) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public static TheoryData<string> Hosts => new("workerd", "native");

    public void Dispose() => _http.Dispose();

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task TheSecondCallForACityIsServedFromKvWithoutCallingTheApi(string host)
    {
        var city = $"Paris-{host}-{Guid.NewGuid():N}"[..24];

        var first = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = city });
        Assert.False(first.IsError, first.Text);
        Assert.Equal(city, first.Json!["city"]!.GetValue<string>());
        Assert.Equal("Sunny in " + city, first.Json["summary"]!.GetValue<string>());
        Assert.False(first.Json["cached"]!.GetValue<bool>());

        var second = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = city });
        Assert.False(second.IsError, second.Text);
        Assert.True(second.Json!["cached"]!.GetValue<bool>());
        Assert.Equal(first.Json["temperatureC"]!.GetValue<double>(), second.Json["temperatureC"]!.GetValue<double>());
        Assert.Equal(1, hosts.Api.ForecastCalls(city));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task ARefusedTokenIsAClearToolErrorThatDoesNotCarryTheToken(string host)
    {
        var city = $"Oslo-{host}-{Guid.NewGuid():N}"[..24];
        hosts.Api.WeatherToken = "the-api-now-wants-another-token";
        ToolAnswer answer;
        try
        {
            answer = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = city });
        }
        finally
        {
            hosts.Api.WeatherToken = hosts.Token;
        }

        Assert.True(answer.IsError, answer.Text);
        Assert.Contains("refused the API token (401)", answer.Text, StringComparison.Ordinal);
        Assert.Contains("API_TOKEN", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(hosts.Token, answer.Raw, StringComparison.Ordinal);
        Assert.Equal(1, hosts.Api.ForecastCalls(city));

        // A refusal is not cached: with the right token the same city is fetched.
        var retry = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = city });
        Assert.False(retry.IsError, retry.Text);
        Assert.False(retry.Json!["cached"]!.GetValue<bool>());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task TheApisFailuresAreToolErrors(string host)
    {
        var missing = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = "Nowhere" });
        Assert.True(missing.IsError);
        Assert.Equal("The weather API has no forecast for 'Nowhere'.", missing.Text);

        var broken = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = "Broken" });
        Assert.True(broken.IsError);
        Assert.StartsWith("The weather API failed (500", broken.Text, StringComparison.Ordinal);

        var slow = await CallAsync(host, "get_forecast", new JsonObject { ["city"] = "Slow" });
        Assert.True(slow.IsError);
        Assert.Equal("The weather API did not answer within 5 s; try again later.", slow.Text);

        foreach (var answer in new[] { missing, broken, slow })
        {
            Assert.DoesNotContain(hosts.Token, answer.Raw, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task WebhookSignaturesAreChecked(string host)
    {
        const string Payload = """{"event":"forecast.updated","city":"Paris"}""";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WeatherApiHosts.WebhookSecret), Encoding.UTF8.GetBytes(Payload)));
        var wrong = Convert.ToHexStringLower(HMACSHA256.HashData("not-the-secret"u8, Encoding.UTF8.GetBytes(Payload)));

        var right = await CallAsync(host, "verify_webhook", new JsonObject { ["payload"] = Payload, ["signature"] = signature });
        var prefixed = await CallAsync(host, "verify_webhook", new JsonObject { ["payload"] = Payload, ["signature"] = "sha256=" + signature.ToUpperInvariant() });
        var tampered = await CallAsync(host, "verify_webhook", new JsonObject { ["payload"] = Payload + " ", ["signature"] = signature });
        var otherSecret = await CallAsync(host, "verify_webhook", new JsonObject { ["payload"] = Payload, ["signature"] = wrong });
        var notHex = await CallAsync(host, "verify_webhook", new JsonObject { ["payload"] = Payload, ["signature"] = "xyz" });

        Assert.True(right.Json!["valid"]!.GetValue<bool>(), right.Text);
        Assert.True(prefixed.Json!["valid"]!.GetValue<bool>(), prefixed.Text);
        Assert.False(tampered.Json!["valid"]!.GetValue<bool>(), tampered.Text);
        Assert.False(otherSecret.Json!["valid"]!.GetValue<bool>(), otherSecret.Text);
        Assert.False(notHex.Json!["valid"]!.GetValue<bool>(), notHex.Text);
        Assert.Equal("The signature is not hex.", notHex.Json["reason"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task EightCallsAtOnceEachMakeTheirOwnFetch(string host)
    {
        var cities = Enumerable.Range(0, 8).Select(i => $"City{i}-{host}-{Guid.NewGuid():N}"[..24]).ToArray();
        var answers = await Task.WhenAll(cities.Select(city => CallAsync(host, "get_forecast", new JsonObject { ["city"] = city })));

        var failed = answers.Where(a => a.IsError).Select(a => a.Text).ToList();
        if (failed.Count > 0)
        {
            // The server logs a failed tool's exception a little after its answer.
            await hosts.Host(host).OutputContainsAsync("Tool 'get_forecast' failed", TimeSpan.FromSeconds(5));
        }

        Assert.True(failed.Count == 0, $"{host}: {failed.Count} of 8 failed:\n" + string.Join('\n', failed)
            + "\nThe server's log:\n" + string.Join('\n', hosts.Host(host).Output.Split('\n').Where(l => l.Contains("failed", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).Take(20)));
        for (var i = 0; i < cities.Length; i++)
        {
            Assert.Equal(cities[i], answers[i].Json!["city"]!.GetValue<string>());
            Assert.False(answers[i].Json!["cached"]!.GetValue<bool>());
            Assert.Equal(1, hosts.Api.ForecastCalls(cities[i]));
        }

        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", hosts.Host(host).Output, StringComparison.Ordinal);
    }

    /// <summary>One <c>tools/call</c> as a bare JSON-RPC POST (the endpoint is stateless), its answer read from JSON or an event stream.</summary>
    private async Task<ToolAnswer> CallAsync(string host, string tool, JsonObject arguments)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, hosts.Host(host).McpUrl)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        request.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        using var response = await _http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{host}: {(int)response.StatusCode} {raw}");
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? raw.Split('\n').Last(l => l.StartsWith("data:", StringComparison.Ordinal))["data:".Length..]
            : raw;
        var result = JsonNode.Parse(json)!["result"] ?? throw new Xunit.Sdk.XunitException($"{host}: no result: {raw}");
        var text = result["content"]![0]!["text"]!.GetValue<string>();
        var isError = result["isError"]?.GetValue<bool>() ?? false;
        JsonNode? parsed = null;
        if (!isError)
        {
            parsed = result["structuredContent"] ?? JsonNode.Parse(text);
        }

        return new ToolAnswer(isError, text, parsed, raw);
    }

    private sealed record ToolAnswer(bool IsError, string Text, JsonNode? Json, string Raw);
}
