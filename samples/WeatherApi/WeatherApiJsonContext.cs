using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeatherApi;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiForecast))]
[JsonSerializable(typeof(ForecastAnswer))]
[JsonSerializable(typeof(WebhookCheck))]
internal sealed partial class WeatherApiJsonContext : JsonSerializerContext;
