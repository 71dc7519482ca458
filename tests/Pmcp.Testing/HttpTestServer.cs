using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pmcp.Testing;

/// <summary>
/// The HTTP API the outbound-HTTP cases call (Pmcp.Workers.Contract's FetchCases), on Kestrel on a free loopback port,
/// for a Worker in workerd and for the same cases natively:
/// <list type="bullet">
/// <item><c>/echo</c> (any method): "METHOD /path?query", the request's X-Multi values, and the body's length and SHA-256.</item>
/// <item><c>/status/{code}</c>: that status, with "status {code}" as the body where one is allowed.</item>
/// <item><c>/redirect</c>: 302 to <c>/echo?from=redirect</c>.</item>
/// <item><c>/headers</c>: X-Multi twice ("one", "two").</item>
/// <item><c>/slow/{id}</c>: answers nothing for 30 s; <c>/state/{id}</c> says "waiting", "aborted" (the client went away) or "finished".</item>
/// <item><c>/bytes/{length}?seed=N</c>: that many bytes of <c>new Random(N).NextBytes</c>, written 64 KiB at a time.</item>
/// <item><c>/ws/echo</c> (WebSocket; accepts the subprotocol <c>pmcp.test</c> when offered): every message back whole, with
/// its type; the client's close answered with the same code and description.</item>
/// <item><c>/ws/close/{code}</c> (WebSocket): sends "closing", then closes with that code and "server says bye".</item>
/// <item><c>/ws/abort</c> (WebSocket): once the client's first message arrives, drops the connection without a close handshake.</item>
/// <item><c>/weather/forecast?city=…</c>: a stand-in weather API for samples/WeatherApi. It wants
/// <c>Authorization: Bearer {WeatherToken}</c> (401 otherwise) and counts the calls per city (<see cref="ForecastCalls"/>);
/// the city "Nowhere" is a 404, "Broken" a 500, "Slow" answers nothing for 30 s; any other city gets a JSON forecast.</item>
/// </list>
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _slow = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _forecastCalls = new(StringComparer.OrdinalIgnoreCase);

    private HttpTestServer(WebApplication app) => _app = app;

    /// <summary>Such as <c>http://127.0.0.1:5123</c>.</summary>
    public string BaseAddress { get; private set; } = "";

    /// <summary>How many requests the server has seen abort before it answered (cancelled or timed-out clients).</summary>
    public int Aborted => _slow.Values.Count(state => state == "aborted");

    /// <summary>The bearer token the stand-in weather API accepts; a test may change it to see a refusal.</summary>
    public string WeatherToken { get; set; } = "weather-test-token";

    /// <summary>How many requests for <paramref name="city"/> reached the stand-in weather API (refused ones too).</summary>
    public int ForecastCalls(string city) => _forecastCalls.GetValueOrDefault(city);

    public static async Task<HttpTestServer> StartAsync()
    {
        var app = LoopbackApp.Create();
        var server = new HttpTestServer(app);
        app.UseWebSockets();
        app.Run(server.ServeAsync);
        await app.StartAsync();
        server.BaseAddress = LoopbackApp.Address(app);
        return server;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var parts = (request.Path.Value ?? "/").Trim('/').Split('/');
        switch (parts)
        {
            case ["echo"]:
                await EchoAsync(context);
                return;
            case ["status", var code]:
                response.StatusCode = int.Parse(code, CultureInfo.InvariantCulture);
                if (response.StatusCode is not (204 or 304) && request.Method != "HEAD")
                {
                    await response.WriteAsync("status " + code);
                }

                return;
            case ["redirect"]:
                response.StatusCode = 302;
                response.Headers.Location = "/echo?from=redirect";
                return;
            case ["headers"]:
                response.Headers.Append("X-Multi", "one");
                response.Headers.Append("X-Multi", "two");
                await response.WriteAsync("headers");
                return;
            case ["slow", var id]:
                await SlowAsync(id, context);
                return;
            case ["state", var id]:
                await response.WriteAsync(_slow.GetValueOrDefault(id, "unknown"));
                return;
            case ["bytes", var length]:
                await BytesAsync(long.Parse(length, CultureInfo.InvariantCulture), int.Parse(request.Query["seed"].ToString() is { Length: > 0 } s ? s : "1", CultureInfo.InvariantCulture), context);
                return;
            case ["weather", "forecast"]:
                await ForecastAsync(context);
                return;
            case ["ws", ..]:
                await WebSocketAsync(parts, context);
                return;
            default:
                response.StatusCode = 404;
                await response.WriteAsync("no such path: " + request.Path);
                return;
        }
    }

    private static async Task EchoAsync(HttpContext context)
    {
        var request = context.Request;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int count;
        while ((count = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            sha.AppendData(buffer, 0, count);
            length += count;
        }

        var multi = string.Join(", ", request.Headers["X-Multi"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)));
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"{request.Method} {request.Path}{request.QueryString}\nx-multi: {multi}\nlength: {length}\nsha256: {Convert.ToHexStringLower(sha.GetHashAndReset())}\ncontent-type: {request.ContentType}"));
    }

    private async Task ForecastAsync(HttpContext context)
    {
        var city = context.Request.Query["city"].ToString();
        _forecastCalls.AddOrUpdate(city, 1, (_, n) => n + 1);
        var response = context.Response;
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + WeatherToken)
        {
            response.StatusCode = 401;
            response.Headers.WWWAuthenticate = "Bearer";
            await response.WriteAsync("""{"error":"invalid token"}""");
            return;
        }

        switch (city)
        {
            case "Nowhere":
                response.StatusCode = 404;
                await response.WriteAsync("""{"error":"unknown city"}""");
                return;
            case "Broken":
                response.StatusCode = 500;
                await response.WriteAsync("""{"error":"internal"}""");
                return;
            case "Slow":
                await SlowAsync("forecast-" + Guid.NewGuid().ToString("N"), context);
                return;
        }

        response.ContentType = "application/json";
        var temperature = 10 + (city.Length % 15);
        await response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["city"] = city, ["temperatureC"] = temperature, ["summary"] = "Sunny in " + city }));
    }

    private async Task SlowAsync(string id, HttpContext context)
    {
        _slow[id] = "waiting";
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            _slow[id] = "finished";
            await context.Response.WriteAsync("slow");
        }
        catch (OperationCanceledException)
        {
            _slow[id] = "aborted";
        }
    }

    private static async Task BytesAsync(long length, int seed, HttpContext context)
    {
        var random = new Random(seed);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = length;
        var buffer = new byte[64 * 1024];
        for (long sent = 0; sent < length;)
        {
            var count = (int)Math.Min(buffer.Length, length - sent);
            random.NextBytes(buffer.AsSpan(0, count));
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, count), context.RequestAborted);
            sent += count;
        }
    }

    private static async Task WebSocketAsync(string[] parts, HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 426;
            await context.Response.WriteAsync("a WebSocket endpoint: connect with a WebSocket client");
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(offered.Contains("pmcp.test") ? "pmcp.test" : null);
        switch (parts)
        {
            case ["ws", "echo"]:
                await EchoMessagesAsync(socket, context.RequestAborted);
                return;
            case ["ws", "close", var code]:
                await socket.SendAsync("closing"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                await socket.CloseAsync((WebSocketCloseStatus)int.Parse(code, CultureInfo.InvariantCulture), "server says bye", context.RequestAborted);
                return;
            case ["ws", "abort"]:
                // Once the client's first message has arrived (so its handshake is surely complete), drop the connection.
                await socket.ReceiveAsync(new byte[1024], context.RequestAborted);
                context.Abort();
                return;
        }
    }

    /// <summary>Sends every message back whole, with its type, until the client closes; answers its close with the same code and description.</summary>
    private static async Task EchoMessagesAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.Empty, result.CloseStatusDescription, cancellationToken);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    await socket.SendAsync(message.ToArray(), result.MessageType, endOfMessage: true, cancellationToken);
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away without closing: nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
