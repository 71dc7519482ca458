using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Tests;

/// <summary>The response becomes an event stream only when the work sends notifications and the client accepts SSE.</summary>
public sealed class SseTests
{
    private readonly StreamableHttpHandler _handler = TestServer.Handler();

    private static string Work(int id, int steps, string? progressToken = "\"tok\"") => Http.Request(id, "tools/call",
        progressToken is null
            ? $$$"""{"name":"work","arguments":{"steps":{{{steps}}}}}"""
            : $$$"""{"name":"work","arguments":{"steps":{{{steps}}}},"_meta":{"progressToken":{{{progressToken}}}}}""");

    private static string? Method(JsonElement message) => message.TryGetProperty("method", out var m) ? m.GetString() : null;

    [Fact]
    public async Task ProgressAndLogsStreamBeforeTheResult()
    {
        var response = await _handler.PostAsync(Work(1, 2), ("Accept", Http.JsonAndSse));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("no-cache", response.Header("Cache-Control"));
        var messages = await response.SseMessagesAsync();

        Assert.Equal(["notifications/progress", "notifications/progress", "notifications/message", null], messages.Select(Method));
        for (var i = 0; i < 2; i++)
        {
            var progress = messages[i].GetProperty("params");
            Assert.Equal("2.0", messages[i].GetProperty("jsonrpc").GetString());
            Assert.False(messages[i].TryGetProperty("id", out _));
            Assert.Equal("tok", progress.GetProperty("progressToken").GetString());
            Assert.Equal(i + 1, progress.GetProperty("progress").GetDouble());
            Assert.Equal(2, progress.GetProperty("total").GetDouble());
            Assert.Equal($"step {i + 1}", progress.GetProperty("message").GetString());
        }

        var log = messages[2].GetProperty("params");
        Assert.Equal("info", log.GetProperty("level").GetString());
        Assert.Equal("work", log.GetProperty("logger").GetString());
        Assert.Equal("finished", log.GetProperty("data").GetString());

        var final = messages[3];
        Assert.Equal(1, final.GetProperty("id").GetInt32());
        Assert.Equal("did 2 steps", final.GetProperty("result").FirstText());
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task NumericProgressTokenIsEchoedAsANumber()
    {
        var messages = await (await _handler.PostAsync(Work(2, 1, "12345678901234567890"))).SseMessagesAsync();

        Assert.Equal("12345678901234567890", messages[0].GetProperty("params").GetProperty("progressToken").GetRawText());
    }

    [Fact]
    public async Task WithoutProgressTokenOnlyLogsAreSent()
    {
        var messages = await (await _handler.PostAsync(Work(3, 3, progressToken: null))).SseMessagesAsync();

        Assert.Equal(["notifications/message", null], messages.Select(Method));
    }

    [Fact]
    public async Task JsonOnlyClientsGetPlainJson()
    {
        var response = await _handler.PostAsync(Work(4, 3), ("Accept", "application/json"));

        var result = response.Result(4);
        Assert.Equal("did 3 steps", result.FirstText());
    }

    [Fact]
    public async Task ToolThatSendsNothingGetsPlainJsonEvenWhenSseIsAccepted()
    {
        var quiet = await _handler.PostAsync(Http.CallTool(5, "quiet", "{}"), ("Accept", Http.JsonAndSse));
        Assert.Equal("quiet", quiet.Result(5).FirstText());

        var sync = await _handler.PostAsync(Http.CallTool(6, "echo", """{"message":"sync"}"""), ("Accept", Http.JsonAndSse));
        Assert.Equal("sync", sync.Result(6).FirstText());
    }

    [Fact]
    public async Task SseOnlyClientsGetTheResultAsAnEvent()
    {
        var response = await _handler.PostAsync(Http.CallTool(7, "echo", """{"message":"as event"}"""), ("Accept", "text/event-stream"));

        var message = Assert.Single(await response.SseMessagesAsync());
        Assert.Equal(7, message.GetProperty("id").GetInt32());
        Assert.Equal("as event", message.GetProperty("result").FirstText());
    }

    [Fact]
    public async Task ErrorsAfterNotificationsArriveInTheStream()
    {
        var server = McpServer.CreateBuilder("errors", "1.0")
            .WithJsonContext(TestJsonContext.Default)
            .Tool<EmptyInput, string>("half", null, async (_, context) =>
            {
                await Task.Yield();
                await context.ReportProgressAsync(1, 2);
                await Task.Yield();
                throw new McpException(McpErrorCodes.InvalidParams, "changed my mind");
            })
            .Build();
        var handler = new StreamableHttpHandler(server);

        var response = await handler.PostAsync(Http.Request(8, "tools/call", """{"name":"half","arguments":{},"_meta":{"progressToken":1}}"""));

        var messages = await response.SseMessagesAsync();
        Assert.Equal(2, messages.Count);
        Assert.Equal("notifications/progress", Method(messages[0]));
        Assert.Equal(McpErrorCodes.InvalidParams, messages[1].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(8, messages[1].GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task SynchronousNotificationsAlsoStream()
    {
        var server = McpServer.CreateBuilder("sync", "1.0")
            .WithJsonContext(TestJsonContext.Default)
            .Tool<EmptyInput, string>("now", null, async (_, context) =>
            {
                // Completes synchronously: the notification is already queued when the handler looks.
                await context.ReportProgressAsync(1);
                return "now";
            })
            .Build();
        var handler = new StreamableHttpHandler(server);

        var response = await handler.PostAsync(Http.Request(9, "tools/call", """{"name":"now","arguments":{},"_meta":{"progressToken":"p"}}"""));

        var messages = await response.SseMessagesAsync();
        Assert.Equal(["notifications/progress", null], messages.Select(Method));
        Assert.Equal("now", messages[1].GetProperty("result").FirstText());
    }

    [Fact]
    public async Task WorkThatOutlivesTheResponseStillReadsTheRequest()
    {
        // The response (an event stream) is returned while the tool still runs; afterwards the tool reads its
        // arguments and progress token and the server writes the request's id, all from the request's JSON.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"text":{"type":"string"}}}""");
        var server = McpServer.CreateBuilder("late", "1.0")
            .Tool(new Tool { Name = "late", InputSchema = schema.RootElement.Clone() }, async (arguments, context) =>
            {
                await context.ReportProgressAsync(1, 2);
                await release.Task;
                await context.ReportProgressAsync(2, 2);
                return CallToolResult.FromText(arguments.GetProperty("text").GetString()!);
            })
            .Build();
        var handler = new StreamableHttpHandler(server);

        var response = await handler.PostAsync(Http.Request(11, "tools/call", """{"name":"late","arguments":{"text":"read late"},"_meta":{"progressToken":"late-token"}}"""));
        Assert.NotNull(response.EventStream);
        release.SetResult();
        var messages = await response.SseMessagesAsync();

        Assert.Equal(["notifications/progress", "notifications/progress", null], messages.Select(Method));
        Assert.Equal("late-token", messages[1].GetProperty("params").GetProperty("progressToken").GetString());
        Assert.Equal(11, messages[2].GetProperty("id").GetInt32());
        Assert.Equal("read late", messages[2].GetProperty("result").FirstText());
        Assert.False(messages[2].GetProperty("result").TryGetProperty("isError", out _));
    }

    [Fact]
    public async Task RequestCancelledByTheClientIsAnsweredWithNothing()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = McpServer.CreateBuilder("cancel", "1.0")
            .WithJsonContext(TestJsonContext.Default)
            .Tool<EmptyInput, string>("hang", null, async (_, context) =>
            {
                started.SetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return "never";
            })
            .Tool<EchoInput, string>("echo", null, input => input.Message)
            .Build();
        var handler = new StreamableHttpHandler(server);
        using var aborted = new CancellationTokenSource();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/json",
            ["Accept"] = "application/json",
        };
        var request = new McpHttpRequest("POST", "/mcp", headers.GetValueOrDefault, System.Text.Encoding.UTF8.GetBytes(Http.CallTool(12, "hang", "{}")))
        {
            Aborted = aborted.Token,
        };

        var pending = handler.HandleAsync(request);
        await started.Task;
        await aborted.CancelAsync();
        var response = await pending;

        Assert.Equal(202, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task LogsBelowTheMinimumLevelAreNotSent()
    {
        var server = TestServer.Builder().WithMinimumLogLevel(LoggingLevel.Warning).Build();
        var handler = new StreamableHttpHandler(server);

        var messages = await (await handler.PostAsync(Work(10, 1))).SseMessagesAsync();

        Assert.Equal(["notifications/progress", null], messages.Select(Method));
    }
}
