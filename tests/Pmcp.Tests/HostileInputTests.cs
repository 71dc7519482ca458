using System.Text;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Workers.Http;

namespace Pmcp.Tests;

/// <summary>Cheap requests that used to cost the server memory, CPU or a 500 (issue: hostile input, bounded).</summary>
public sealed class HostileInputTests
{
    private static readonly (string, string)[] Legacy = [("MCP-Protocol-Version", ProtocolVersions.V20250326)];

    [Fact]
    public async Task ABatchOverTheLimitIsRefusedWholeAndOneAtTheLimitIsAnswered()
    {
        var handler = TestServer.Handler();

        var tooMany = await handler.PostAsync(Batch(101), Legacy);
        Assert.Equal(400, tooMany.StatusCode);
        var error = tooMany.Json().GetProperty("error");
        Assert.Equal(McpErrorCodes.InvalidRequest, error.GetProperty("code").GetInt32());
        Assert.Contains("the limit is 100", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var atLimit = await handler.PostAsync(Batch(100), Legacy);
        Assert.Equal(200, atLimit.StatusCode);
        Assert.Equal(100, atLimit.Json().GetArrayLength());
    }

    [Fact]
    public async Task TheBatchLimitIsASetting()
    {
        var handler = TestServer.Handler(new StreamableHttpOptions { MaxBatchItems = 3 });

        Assert.Equal(400, (await handler.PostAsync(Batch(4), Legacy)).StatusCode);
        Assert.Equal(3, (await handler.PostAsync(Batch(3), Legacy)).Json().GetArrayLength());
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"\udfff"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"progressToken":"a\ud800b"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"\ud83d":1}}""")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":"\ud800","method":"ping"}]""")]
    public async Task ALoneSurrogateIsAParseErrorNotA500(string body)
    {
        var handler = TestServer.Handler();

        var response = await handler.PostAsync(body, Legacy);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(McpErrorCodes.ParseError, response.Json().GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(200, (await handler.PostAsync(Http.Request(2, "ping"), Legacy)).StatusCode);
    }

    [Fact]
    public async Task APairedSurrogateIsText()
    {
        var handler = TestServer.Handler();

        var response = await handler.PostAsync("""{"jsonrpc":"2.0","id":"\ud83d\ude00","method":"ping"}""", Legacy);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("\U0001F600", response.Json().GetProperty("id").GetString());
    }

    [Fact]
    public void TemplateMatchingStaysGreedyAndLinearOnAUriOfDots()
    {
        var template = UriTemplate.Parse("file:///{name}.{ext}");
        var dots = new string('.', McpServer.MaxResourceUriLength - "file:///".Length);

        // A backtracking matcher needs about N²/2 steps here (seconds at this length); this one is linear.
        Assert.True(template.TryMatch("file:///" + dots, out var variables));
        Assert.Equal(dots[..^2], variables["name"]);
        Assert.Equal(".", variables["ext"]);
        Assert.False(template.TryMatch("file:///" + new string('.', 5000) + "/x", out _));
    }

    [Fact]
    public async Task AResourceUriOverTheLimitIsAnInvalidParamsError()
    {
        var handler = TestServer.Handler();
        var uri = "test://template/" + new string('a', McpServer.MaxResourceUriLength) + "/data";

        var response = await handler.PostAsync(Http.Request(1, "resources/read", $$"""{"uri":"{{uri}}"}"""), Legacy);

        var error = response.Json().GetProperty("error");
        Assert.Equal(McpErrorCodes.InvalidParams, error.GetProperty("code").GetInt32());
        Assert.Contains("the limit is 16384", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x\nSet-Cookie: session=stolen")]
    [InlineData("x\r\nSet-Cookie: session=stolen")]
    [InlineData("x\rmore")]
    [InlineData("x\0y")]
    public void AHeaderValueWithALineBreakOrNulIsRefused(string value)
    {
        var headers = new Headers();

        var e = Assert.Throws<ArgumentException>(() => headers.Append("X-Echo", value));
        Assert.Contains("cannot contain CR, LF or NUL", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => headers.Set("X-Echo", value));
        Assert.Equal(0, headers.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("X Echo")]
    [InlineData("X-Echo\n")]
    [InlineData("Set-Cookie:")]
    public void AHeaderNameThatIsNotATokenIsRefused(string name) =>
        Assert.Throws<ArgumentException>(() => new Headers().Append(name, "value"));

    [Fact]
    public void OrdinaryHeadersPass()
    {
        var headers = new Headers().Append("Content-Type", "text/plain; charset=utf-8").Append("X-Note", "café, \"quoted\"\t tabbed");

        Assert.Equal("café, \"quoted\"\t tabbed", headers["x-note"]);
    }

    [Fact]
    public async Task ASlowEventStreamReaderKeepsTheNewestNotificationsAndEveryRequestWithinABound()
    {
        var queue = new EventQueue();
        using var empty = JsonDocument.Parse("{}");
        using var progress = JsonDocument.Parse("""{"progress":1}""");
        queue.Enqueue(JsonRpcWriter.Notification("notifications/progress", progress.RootElement));
        queue.Enqueue(JsonRpcWriter.Request("to-client-1", "sampling/createMessage", empty.RootElement));
        for (var i = 0; i < 5000; i++)
        {
            using var numbered = JsonDocument.Parse($$"""{"progress":{{i}}}""");
            queue.Enqueue(JsonRpcWriter.Notification("notifications/progress", numbered.RootElement));
        }

        queue.Complete();
        var read = new List<JsonElement>();
        await foreach (var message in queue.ReadAllAsync())
        {
            using var document = JsonDocument.Parse(message);
            read.Add(document.RootElement.Clone());
        }

        Assert.Equal(EventQueue.MaxWaitingNotifications + 1, read.Count);
        Assert.Equal("to-client-1", read[0].GetProperty("id").GetString());
        Assert.Equal(4999, read[^1].GetProperty("params").GetProperty("progress").GetInt32());
        Assert.Equal(5001 - EventQueue.MaxWaitingNotifications, queue.Dropped);
    }

    [Fact]
    public async Task LargeNotificationsAreBoundedByBytesToo()
    {
        var queue = new EventQueue();
        using var big = JsonDocument.Parse($$"""{"level":"info","data":"{{new string('x', 100_000)}}"}""");
        for (var i = 0; i < 100; i++)
        {
            queue.Enqueue(JsonRpcWriter.Notification("notifications/message", big.RootElement));
        }

        queue.Complete();
        var bytes = 0L;
        await foreach (var message in queue.ReadAllAsync())
        {
            bytes += message.Length;
        }

        Assert.InRange(bytes, 1, EventQueue.MaxWaitingBytes);
        Assert.True(queue.Dropped > 80);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void AnEmptyApiKeyIsNotAKey(string key) =>
        Assert.Throws<ArgumentException>(() => new StreamableHttpOptions { ApiKey = key });

    [Fact]
    public async Task AWorkerWhoseMcpApiKeyIsEmptyRefusesMcpRequestsAndStillAnswersHealth()
    {
        var worker = Pmcp.Workers.McpEndpoint.Worker(TestServer.Builder().Build());
        var env = new Pmcp.Workers.Env(new Pmcp.Workers.DictionaryEnvSource(new Dictionary<string, string> { ["MCP_API_KEY"] = "" }));
        var headers = new Headers().Append("Content-Type", "application/json").Append("Accept", Http.JsonAndSse).Append("Host", "localhost");

        var mcp = await worker(new Request("POST", "http://localhost/mcp", headers, Encoding.UTF8.GetBytes(Http.Request(1, "ping"))), env, new Pmcp.Workers.Context());
        var health = await worker(new Request("GET", "http://localhost/health", new Headers(), default), env, new Pmcp.Workers.Context());

        Assert.Equal(500, mcp.Status);
        Assert.Contains("MCP_API_KEY is empty", Encoding.UTF8.GetString(mcp.Body.Span), StringComparison.Ordinal);
        Assert.Equal(200, health.Status);
    }

    private static string Batch(int count)
    {
        var body = new StringBuilder("[");
        for (var i = 0; i < count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(Http.Request(i + 1, "ping"));
        }

        return body.Append(']').ToString();
    }
}
