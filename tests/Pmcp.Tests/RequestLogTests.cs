using System.Collections.Concurrent;
using System.Text.Json;
using Pmcp.Http;

namespace Pmcp.Tests;

/// <summary>The structured request log (issue 19): one JSON line per JSON-RPC message, never an argument value.</summary>
public sealed class RequestLogTests
{
    private const string Secret = "sk-live-0123456789abcdef-do-not-log";

    private static (StreamableHttpHandler Handler, ConcurrentQueue<(string Line, bool IsError)> Lines) Logged(RequestLogLevel level = RequestLogLevel.All, double rate = 1, bool names = false)
    {
        var lines = new ConcurrentQueue<(string, bool)>();
        var options = new StreamableHttpOptions
        {
            RequestLog = new RequestLogOptions { Level = level, OkSampleRate = rate, ArgumentNames = names, Writer = (line, isError) => lines.Enqueue((line, isError)) },
        };
        return (TestServer.Handler(options), lines);
    }

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement.Clone();

    [Fact]
    public async Task ASucceedingAFailingAndABadlyCalledToolWriteOneLineEachWithTheirOutcomes()
    {
        var (handler, lines) = Logged();
        (string, string)[] headers = [("MCP-Protocol-Version", "2025-11-25"), ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), ("cf-ray", "8f0e1d2c3b4a5968-LHR")];

        await handler.PostAsync(Http.CallTool(1, "echo", $$"""{"message":"{{Secret}}"}"""), headers);
        await handler.PostAsync(Http.CallTool(2, "fail", "{}"), headers);
        await handler.PostAsync(Http.CallTool(3, "add", $$"""{"a":"{{Secret}}","b":2}"""), headers);

        var written = lines.ToArray();
        Assert.Equal(3, written.Length);
        Assert.All(written, w => Assert.DoesNotContain(Secret, w.Line, StringComparison.Ordinal));
        Assert.All(written, w => Assert.Contains("\"mcp\":\"tool_call\"", w.Line, StringComparison.Ordinal));
        var parsed = written.Select(w => Parse(w.Line)).ToArray();
        Assert.Equal(["ok", "tool_error", "tool_error"], parsed.Select(p => p.GetProperty("outcome").GetString()));
        Assert.Equal([false, true, true], written.Select(w => w.IsError));
        Assert.Equal(["echo", "fail", "add"], parsed.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 3], parsed.Select(p => p.GetProperty("id").GetInt32()));
        Assert.All(parsed, p =>
        {
            Assert.Equal("tools/call", p.GetProperty("method").GetString());
            Assert.True(p.GetProperty("durationMs").GetDouble() >= 0);
            Assert.Equal("2025-11-25", p.GetProperty("protocol").GetString());
            Assert.Matches("^[0-9a-f]{16}$", p.GetProperty("requestId").GetString());
            Assert.Equal("8f0e1d2c3b4a5968-LHR", p.GetProperty("cfRay").GetString());
            Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", p.GetProperty("traceId").GetString());
            Assert.False(p.TryGetProperty("argumentNames", out _));
        });
    }

    [Fact]
    public async Task AJsonRpcErrorARefusalAndAStatelessTraceparentAreLogged()
    {
        var (handler, lines) = Logged();

        await handler.PostAsync(Http.Request(7, "no/such/method"));
        await handler.PostAsync(Http.Request(8, "tools/list"), ("Content-Type", "text/plain"));
        var (body, headers) = Http.Stateless(9, "tools/call", $$$"""{"name":"echo","arguments":{"message":"{{{Secret}}}"},"_meta":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}""", name: "echo");
        await handler.PostAsync(body, headers);

        var parsed = lines.Select(l => Parse(l.Line)).ToArray();
        Assert.Equal(3, parsed.Length);
        Assert.Equal("error", parsed[0].GetProperty("outcome").GetString());
        Assert.Equal(-32601, parsed[0].GetProperty("code").GetInt32());
        Assert.Equal("refused", parsed[1].GetProperty("outcome").GetString());
        Assert.Equal(415, parsed[1].GetProperty("status").GetInt32());
        Assert.Equal("http_request", parsed[1].GetProperty("mcp").GetString());
        Assert.Equal("ok", parsed[2].GetProperty("outcome").GetString());
        Assert.Equal("2026-07-28", parsed[2].GetProperty("protocol").GetString());
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", parsed[2].GetProperty("traceId").GetString());
        Assert.DoesNotContain(Secret, string.Concat(lines.Select(l => l.Line)), StringComparison.Ordinal);
    }

    /// <summary>
    /// A single notification or client response is answered 202 and its line written at the end of the request: it
    /// used to be written after the body's JSON was given back, and every such request answered 500 with logging on.
    /// </summary>
    [Fact]
    public async Task ASingleNotificationOrResponseIsAcceptedAndLogged()
    {
        var (handler, lines) = Logged();

        var notification = await handler.PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", ("MCP-Protocol-Version", "2025-11-25"));
        var response = await handler.PostAsync("""{"jsonrpc":"2.0","id":"s-1","result":{}}""", ("MCP-Protocol-Version", "2025-11-25"));

        Assert.Equal(202, notification.StatusCode);
        Assert.Equal(202, response.StatusCode);
        var parsed = lines.Select(l => Parse(l.Line)).ToArray();
        Assert.Equal(2, parsed.Length);
        Assert.Equal("notifications/initialized", parsed[0].GetProperty("method").GetString());
        Assert.Equal("ok", parsed[0].GetProperty("outcome").GetString());
        Assert.Equal("s-1", parsed[1].GetProperty("id").GetString());
        Assert.Equal("ok", parsed[1].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task ABatchWritesOneLinePerMessageWithOneRequestId()
    {
        var (handler, lines) = Logged();

        await handler.PostAsync("[" + Http.CallTool(1, "echo", """{"message":"a"}""") + "," + Http.Request(2, "tools/list") + """,{"jsonrpc":"2.0","method":"notifications/initialized"},42]""");

        var parsed = lines.Select(l => Parse(l.Line)).ToArray();
        Assert.Equal(4, parsed.Length);
        Assert.Single(parsed.Select(p => p.GetProperty("requestId").GetString()).Distinct());
        Assert.Equal(["ok", "ok", "ok", "error"], parsed.Select(p => p.GetProperty("outcome").GetString()));
        Assert.Equal("notifications/initialized", parsed[2].GetProperty("method").GetString());
    }

    [Fact]
    public async Task LevelsSamplingAndArgumentNamesDecideWhatIsWritten()
    {
        var (errorsOnly, errorLines) = Logged(RequestLogLevel.Errors);
        await errorsOnly.PostAsync(Http.CallTool(1, "echo", """{"message":"a"}"""));
        await errorsOnly.PostAsync(Http.CallTool(2, "fail", "{}"));
        Assert.Equal(2, Parse(Assert.Single(errorLines).Line).GetProperty("id").GetInt32());

        var (sampledAway, sampledLines) = Logged(RequestLogLevel.All, rate: 0);
        await sampledAway.PostAsync(Http.CallTool(1, "echo", """{"message":"a"}"""));
        await sampledAway.PostAsync(Http.CallTool(2, "fail", "{}"));
        Assert.Equal(2, Parse(Assert.Single(sampledLines).Line).GetProperty("id").GetInt32());

        var (off, offLines) = Logged(RequestLogLevel.Off);
        await off.PostAsync(Http.CallTool(2, "fail", "{}"));
        Assert.Empty(offLines);

        var (named, namedLines) = Logged(names: true);
        await named.PostAsync(Http.CallTool(1, "add", """{"a":7319,"b":8461}"""));
        var line = Assert.Single(namedLines).Line;
        Assert.Equal(["a", "b"], Parse(line).GetProperty("argumentNames").EnumerateArray().Select(n => n.GetString()));
        Assert.DoesNotContain("7319", line, StringComparison.Ordinal);
        Assert.DoesNotContain("8461", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentCallsWriteALineEachWithTheirOwnIdsAndOutcomes()
    {
        var (handler, lines) = Logged();
        await Task.WhenAll(Enumerable.Range(1, 16).Select(i => Task.Run(() => handler.PostAsync(i % 2 == 0 ? Http.CallTool(i, "echo", """{"message":"a"}""") : Http.CallTool(i, "fail", "{}")))));

        var parsed = lines.Select(l => Parse(l.Line)).ToArray();
        Assert.Equal(16, parsed.Length);
        Assert.Equal(16, parsed.Select(p => p.GetProperty("requestId").GetString()).Distinct().Count());
        Assert.All(parsed, p => Assert.Equal(p.GetProperty("id").GetInt32() % 2 == 0 ? "ok" : "tool_error", p.GetProperty("outcome").GetString()));
    }

    /// <summary>
    /// Each request's lines are decided once: a request refused before its JSON is read writes one line when it ends;
    /// a message that ran, or a single message answered without running, writes its own and the request none; a batch
    /// one per message. Sixteen at once, so that no request's line goes to another's.
    /// </summary>
    [Fact]
    public async Task EveryKindOfRequestWritesItsLinesOnceEvenConcurrently()
    {
        var (handler, lines) = Logged();
        var (stateless, statelessHeaders) = Http.Stateless(4, "tools/list");
        var kinds = new (string Name, Func<Task<McpHttpResponse>> Send, int Status, string[] Outcomes)[]
        {
            ("refused at the gate", () => handler.PostAsync(Http.Request(1, "tools/list"), ("Content-Type", "text/plain")), 415, ["refused"]),
            ("JSON that is no JSON-RPC message", () => handler.PostAsync("""{"hello":"world"}"""), 400, ["refused"]),
            ("a header that does not match its message", () => handler.PostAsync(stateless, [.. statelessHeaders.Select(h => h.Name == "Mcp-Method" ? (h.Name, "tools/call") : h)]), 400, ["refused"]),
            ("a notification accepted", () => handler.PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", ("MCP-Protocol-Version", "2025-11-25")), 202, ["ok"]),
            ("a tool that ran", () => handler.PostAsync(Http.CallTool(5, "fail", "{}")), 200, ["tool_error"]),
            ("a batch", () => handler.PostAsync("[" + Http.Request(6, "tools/list") + """,{"jsonrpc":"2.0","method":"notifications/initialized"},42]"""), 200, ["ok", "ok", "error"]),
        };

        foreach (var kind in kinds)
        {
            lines.Clear();
            var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(kind.Send)));

            Assert.All(responses, r => Assert.True(kind.Status == r.StatusCode, $"{kind.Name}: {r.StatusCode}"));
            var parsed = lines.Select(l => Parse(l.Line)).ToArray();
            Assert.True(16 * kind.Outcomes.Length == parsed.Length, $"{kind.Name}: {parsed.Length} lines:\n{string.Join('\n', lines.Select(l => l.Line))}");
            foreach (var request in parsed.GroupBy(p => p.GetProperty("requestId").GetString()))
            {
                Assert.Equal(kind.Outcomes.Order(), request.Select(p => p.GetProperty("outcome").GetString()!).Order());
            }
        }
    }

    [Fact]
    public void ARequestsLogEndsOnceAndNoMessageWritesAfterIt()
    {
        var lines = new List<string>();
        var options = new RequestLogOptions { Writer = (line, _) => lines.Add(line) };
        var request = new McpHttpRequest("POST", "/mcp", _ => null, ReadOnlyMemory<byte>.Empty);
        var log = new RequestLog(options, request);
        var refused = new McpHttpResponse { StatusCode = 415 };

        log.End(refused);

        Assert.Single(lines);
        Assert.Equal("refused", Parse(lines[0]).GetProperty("outcome").GetString());
        Assert.Throws<InvalidOperationException>(() => log.End(refused));
        Assert.Throws<InvalidOperationException>(log.Running);
        Assert.Single(lines);

        // A message that ran has its line from Served: the request's end adds none.
        var served = new RequestLog(options, request);
        served.Running();
        served.End(new McpHttpResponse { StatusCode = 200 });
        Assert.Single(lines);
    }

    [Fact]
    public void TheVarsSpellingsAreRead()
    {
        Assert.True(RequestLogOptions.TryParseLevel(" Errors ", out var level));
        Assert.Equal(RequestLogLevel.Errors, level);
        Assert.False(RequestLogOptions.TryParseLevel("verbose", out _));
        Assert.True(RequestLogOptions.TryParseSampleRate("0.25", out var rate));
        Assert.Equal(0.25, rate);
        Assert.False(RequestLogOptions.TryParseSampleRate("2", out _));
    }
}
