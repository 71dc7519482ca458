using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare.Tests;

/// <summary>The fake's own contract, over plain HTTP: envelopes, authentication, and loud failure on what it does not model.</summary>
public sealed class FakeApiTests
{
    [Fact]
    public async Task RequestsWithoutTheTokenGetCloudflaresAuthenticationErrors()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var http = new HttpClient();
        var url = $"{cloudflare.BaseUrl}/accounts/{cloudflare.AccountId}/workers/services/x";

        var (missing, missingBody) = await SendAsync(http, url, token: null);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(9106, Code(missingBody));

        var (wrong, wrongBody) = await SendAsync(http, url, token: "wrong");
        Assert.Equal(HttpStatusCode.Forbidden, wrong);
        Assert.Equal(10000, Code(wrongBody));
        Assert.False(wrongBody["success"]!.GetValue<bool>());
        Assert.Empty(wrongBody["messages"]!.AsArray());
    }

    [Fact]
    public async Task UnknownWorkersAndAccountsGetCloudflaresErrors()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var http = new HttpClient();

        var (service, serviceBody) = await SendAsync(http, $"{cloudflare.BaseUrl}/accounts/{cloudflare.AccountId}/workers/services/nope", cloudflare.ApiToken);
        Assert.Equal(HttpStatusCode.NotFound, service);
        Assert.Equal(10090, Code(serviceBody));

        var (secrets, secretsBody) = await SendAsync(http, $"{cloudflare.BaseUrl}/accounts/{cloudflare.AccountId}/workers/scripts/nope/secrets", cloudflare.ApiToken);
        Assert.Equal(HttpStatusCode.NotFound, secrets);
        Assert.Equal(10007, Code(secretsBody));

        var (otherAccount, otherBody) = await SendAsync(http, $"{cloudflare.BaseUrl}/accounts/someoneelse/workers/services/nope", cloudflare.ApiToken);
        Assert.Equal(HttpStatusCode.Forbidden, otherAccount);
        Assert.Equal(10000, Code(otherBody));
    }

    [Fact]
    public async Task EndpointsTheFakeDoesNotModelAnswer404AndAreRecorded()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var http = new HttpClient();

        var (status, body) = await SendAsync(http, $"{cloudflare.BaseUrl}/accounts/{cloudflare.AccountId}/workers/something-new", cloudflare.ApiToken);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(7000, Code(body));
        var unhandled = Assert.Single(cloudflare.UnhandledRequests);
        Assert.Equal(("GET", $"/accounts/{cloudflare.AccountId}/workers/something-new", 404), (unhandled.Method, unhandled.Path, unhandled.StatusCode));
    }

    [Fact]
    public async Task WranglerEnvironmentPointsAtTheFake()
    {
        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        var environment = cloudflare.WranglerEnvironment;

        Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+/client/v4$", environment["CLOUDFLARE_API_BASE_URL"]);
        Assert.Equal(cloudflare.ApiToken, environment["CLOUDFLARE_API_TOKEN"]);
        Assert.Equal(cloudflare.AccountId, environment["CLOUDFLARE_ACCOUNT_ID"]);
        Assert.Equal("false", environment["WRANGLER_SEND_METRICS"]);
        Assert.Equal("https://my-worker.pmcp-test.workers.dev", cloudflare.WorkersDevUrl("my-worker"));
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpClient http, string url, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static int Code(JsonObject body) => body["errors"]![0]!["code"]!.GetValue<int>();
}
