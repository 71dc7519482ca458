using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Workers;
using Pmcp.Workers.Bindings;

namespace WeatherApi;

/// <summary>
/// A REST API wrapped as MCP tools: <c>get_forecast</c> calls <c>GET {API_BASE_URL}/forecast?city=…</c> with the
/// secret <c>API_TOKEN</c> as a bearer token and keeps each answer in KV for <c>CACHE_TTL_SECONDS</c>;
/// <c>verify_webhook</c> checks an HMAC-SHA256 signature against the secret <c>WEBHOOK_SECRET</c>. The API's failures
/// become tool errors the model can read, and none of them carries the token.
/// </summary>
[McpToolSet]
public sealed partial class WeatherApiServer : IMcpServerFactory
{
    /// <summary>One client for every request: inside workerd each call is a fetch in the calling request's context.</summary>
    private static readonly HttpClient Http = new();

    public static McpServer CreateServer() => McpServer.CreateBuilder("weather-api", "1.0.0")
        .WithJsonContext(WeatherApiJsonContext.Default)
        .WithTools<WeatherApiServer>()
        .Build();

    [McpTool("get_forecast", ReadOnly = true), Description("The weather forecast for a city, from the weather API (answers are cached for a few minutes)")]
    public static async Task<CallToolResult> GetForecast([Description("The city, such as Paris")] string city, Env env, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(city))
        {
            return CallToolResult.Error("city is empty: name a city, such as Paris.");
        }

        var cache = env.Kv("CACHE");
        var key = "forecast:" + city.Trim().ToLowerInvariant();
        if (Encoding.UTF8.GetByteCount(key) > 512)
        {
            return CallToolResult.Error("city is too long.");
        }

        if (await cache.GetJsonAsync(key, WeatherApiJsonContext.Default.ApiForecast, cancellationToken) is { } cached)
        {
            return Answer(cached, fromCache: true);
        }

        var (forecast, error) = await FetchForecastAsync(env, city.Trim(), cancellationToken);
        if (forecast is null)
        {
            return CallToolResult.Error(error!);
        }

        var ttl = long.Parse(env.GetOrDefault("CACHE_TTL_SECONDS") ?? "300", CultureInfo.InvariantCulture);
        await cache.PutJsonAsync(key, forecast, WeatherApiJsonContext.Default.ApiForecast,
            new KvPutOptions { ExpirationTtl = Math.Max(ttl, KvNamespace.MinExpirationTtlSeconds) }, cancellationToken);
        return Answer(forecast, fromCache: false);
    }

    [McpTool("verify_webhook", ReadOnly = true), Description("Check a webhook's signature: the hex HMAC-SHA256 of its payload under the shared webhook secret")]
    public static WebhookCheck VerifyWebhook(
        [Description("The webhook's body, exactly as received")] string payload,
        [Description("The signature header's value: 64 hex digits, optionally prefixed with sha256=")] string signature,
        Env env)
    {
        var hex = signature.Trim();
        if (hex.StartsWith("sha256=", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex["sha256=".Length..];
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return new WebhookCheck(false, "The signature is not hex.");
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(env.Secret("WEBHOOK_SECRET")), Encoding.UTF8.GetBytes(payload));

        // Constant time: how long the comparison takes says nothing about how much of the signature was right.
        return CryptographicOperations.FixedTimeEquals(expected, given)
            ? new WebhookCheck(true, "The signature matches.")
            : new WebhookCheck(false, "The signature does not match the payload.");
    }

    private static async Task<(ApiForecast? Forecast, string? Error)> FetchForecastAsync(Env env, string city, CancellationToken cancellationToken)
    {
        var baseUrl = env.Var("API_BASE_URL").TrimEnd('/');
        var timeout = TimeSpan.FromSeconds(double.Parse(env.GetOrDefault("API_TIMEOUT_SECONDS") ?? "10", CultureInfo.InvariantCulture));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/forecast?city={Uri.EscapeDataString(city)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", env.Secret("API_TOKEN"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var response = await Http.SendAsync(request, timeoutSource.Token);
            if (!response.IsSuccessStatusCode)
            {
                // The API's status says what went wrong; its body and our request (with the token) stay here.
                return (null, response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                        $"The weather API refused the API token ({(int)response.StatusCode}). Check the API_TOKEN secret.",
                    HttpStatusCode.NotFound => $"The weather API has no forecast for '{city}'.",
                    HttpStatusCode.TooManyRequests => "The weather API is rate-limiting requests (429); try again later.",
                    _ => $"The weather API failed ({(int)response.StatusCode} {response.ReasonPhrase}); try again later.",
                });
            }

            var forecast = await response.Content.ReadFromJsonAsync(WeatherApiJsonContext.Default.ApiForecast, timeoutSource.Token);
            return forecast is null ? (null, "The weather API answered with no forecast.") : (forecast, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"The weather API did not answer within {timeout.TotalSeconds:0.#} s; try again later.");
        }
        catch (HttpRequestException e)
        {
            return (null, $"Could not reach the weather API: {e.HttpRequestError}.");
        }
        catch (JsonException)
        {
            return (null, "The weather API answered with something that is not a forecast.");
        }
    }

    private static CallToolResult Answer(ApiForecast forecast, bool fromCache)
    {
        var answer = new ForecastAnswer(forecast.City, forecast.TemperatureC, forecast.Summary, fromCache);
        return new CallToolResult
        {
            Content = [new TextContent(JsonSerializer.Serialize(answer, WeatherApiJsonContext.Default.ForecastAnswer))],
            StructuredContent = JsonSerializer.SerializeToElement(answer, WeatherApiJsonContext.Default.ForecastAnswer),
        };
    }
}
