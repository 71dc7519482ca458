namespace WeatherApi;

/// <summary>What the weather API answers to <c>GET /forecast?city=…</c>.</summary>
public sealed record ApiForecast(string City, double TemperatureC, string Summary);

/// <summary>The tool's answer: the API's forecast, and whether it came from the KV cache rather than the API.</summary>
public sealed record ForecastAnswer(string City, double TemperatureC, string Summary, bool Cached);

/// <summary>Whether a webhook's signature is the HMAC-SHA256 of its payload under WEBHOOK_SECRET.</summary>
public sealed record WebhookCheck(bool Valid, string Reason);
