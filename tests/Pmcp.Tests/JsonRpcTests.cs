using System.Text;
using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Tests;

/// <summary>JSON-RPC over the legacy revisions (with initialize): parse errors, invalid requests, method errors, results.</summary>
public sealed class JsonRpcTests
{
    private const string V0618 = ProtocolVersions.V20250618;
    private const string V1125 = ProtocolVersions.V20251125;

    private readonly StreamableHttpHandler _handler = TestServer.Handler();

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/li""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,""")]
    [InlineData("{")]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"} trailing""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping",}""")]
    public async Task MalformedJsonIsParseErrorWithNullId(string body)
    {
        var response = await _handler.PostAsync(body);

        response.Error(400, McpErrorCodes.ParseError);
        Assert.Equal(JsonValueKind.Null, response.Id().ValueKind);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task InvalidUtf8IsParseError()
    {
        byte[] body = [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}}"u8];

        var response = await _handler.PostAsync(body);

        response.Error(400, McpErrorCodes.ParseError);
        Assert.Equal(JsonValueKind.Null, response.Id().ValueKind);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task DeepNestingIsParseError()
    {
        var body = new string('[', 10_000) + new string(']', 10_000);

        var response = await _handler.PostAsync(body);

        response.Error(400, McpErrorCodes.ParseError);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task DeepNestingInsideArgumentsIsParseError()
    {
        var body = Http.CallTool(1, "echo", $$"""{"message":"hi","extra":{{new string('[', 10_000)}}{{new string(']', 10_000)}}}""");

        var response = await _handler.PostAsync(body);

        response.Error(400, McpErrorCodes.ParseError);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("""{"jsonrpc":"1.0","id":7,"method":"ping"}""", "7")]
    [InlineData("""{"id":7,"method":"ping"}""", "7")]
    [InlineData("""{"jsonrpc":2.0,"id":7,"method":"ping"}""", "7")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":[1],"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":true,"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"method":"ping"}""", "null")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":42}""", "7")]
    [InlineData("""{"jsonrpc":"2.0","id":"s","method":null}""", "\"s\"")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/list","params":"all"}""", "7")]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/list","params":3}""", "7")]
    [InlineData("""{"jsonrpc":"2.0","id":7}""", "7")]
    [InlineData("""{"jsonrpc":"2.0","result":{}}""", "null")]
    [InlineData("42", "null")]
    [InlineData("\"ping\"", "null")]
    [InlineData("null", "null")]
    public async Task WrongShapesAreInvalidRequest(string body, string expectedId)
    {
        var response = await _handler.PostAsync(body);

        response.Error(400, McpErrorCodes.InvalidRequest);
        Assert.Equal(expectedId, response.Id().GetRawText());
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("123456789012345678901234567890")]
    [InlineData("-1.5e300")]
    [InlineData("0")]
    [InlineData("\"abc-123\"")]
    [InlineData("\"\"")]
    public async Task IdIsEchoedExactly(string id)
    {
        var response = await _handler.PostAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}""");

        Assert.Equal(200, response.StatusCode);
        var json = response.Json();
        Assert.Equal(id, json.GetProperty("id").GetRawText());
        Assert.Contains($"\"id\":{id}", response.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StringIdIsEchoedAsTheSameString()
    {
        // The id may be re-escaped on the way out; what must survive is the string it stands for.
        var response = await _handler.PostAsync("""{"jsonrpc":"2.0","id":"\u00e9t\u00e9 \"quoted\" \ud83d\ude00","method":"ping"}""");

        Assert.Equal("été \"quoted\" 😀", response.Id().GetString());
    }

    [Fact]
    public async Task HugeIdIsEchoedInErrorsToo()
    {
        var response = await _handler.PostAsync("""{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"no/such"}""");

        response.Error(200, McpErrorCodes.MethodNotFound);
        Assert.Equal("123456789012345678901234567890", response.Id().GetRawText());
    }

    [Theory]
    [InlineData("no/such/method")]
    [InlineData("Tools/List")]
    [InlineData("resources/subscribe")]
    [InlineData("")]
    public async Task UnknownMethodIsMethodNotFound(string method)
    {
        var response = await _handler.PostAsync(Http.Request(3, method, "{}"));

        var error = response.Error(200, McpErrorCodes.MethodNotFound);
        Assert.Equal(3, response.Id().GetInt32());
        Assert.Contains(method, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task MethodsOfCapabilitiesTheServerLacksAreMethodNotFound()
    {
        var handler = new StreamableHttpHandler(McpServer.CreateBuilder("bare", "1.0").Build());

        foreach (var method in new[] { "tools/list", "tools/call", "prompts/list", "prompts/get", "resources/list", "resources/read", "completion/complete" })
        {
            (await handler.PostAsync(Http.Request(1, method, "{}"))).Error(200, McpErrorCodes.MethodNotFound);
        }

        (await handler.PostAsync(Http.Request(2, "ping"))).Result(2);
    }

    [Fact]
    public async Task UnknownToolIsInvalidParams()
    {
        var response = await _handler.PostAsync(Http.CallTool(4, "nope", "{}"));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Contains("nope", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("""{}""", "'name'")]
    [InlineData("""{"name":42}""", "'name'")]
    [InlineData("""{"name":"echo","arguments":"message=hi"}""", "'arguments'")]
    [InlineData("""{"name":"echo","arguments":[1]}""", "'arguments'")]
    public async Task MalformedToolsCallParamsAreInvalidParams(string parameters, string named)
    {
        var response = await _handler.PostAsync(Http.Request(4, "tools/call", parameters));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("add", """{"a":"one","b":2}""", "'a'")]
    [InlineData("add", """{"a":1.5,"b":2}""", "'a'")]
    [InlineData("add", """{"a":1}""", "'b'")]
    [InlineData("add", """{"a":1,"b":null}""", "'b'")]
    [InlineData("echo", """{}""", "'message'")]
    [InlineData("echo", """{"message":["hi"]}""", "'message'")]
    [InlineData("query", """{"department":"eng","limit":"ten"}""", "'limit'")]
    [InlineData("add", """{"a":99999999999,"b":1}""", "'a'")]
    public async Task BadToolArgumentsBefore20251125AreInvalidParamsNamingTheField(string tool, string arguments, string field)
    {
        var response = await _handler.PostAsync(Http.CallTool(5, tool, arguments), ("MCP-Protocol-Version", V0618));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Contains(field, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("add", """{"a":"one","b":2}""", "'a'")]
    [InlineData("add", """{"a":1}""", "'b'")]
    [InlineData("echo", """{"message":false}""", "'message'")]
    [InlineData("add", """{"a":99999999999,"b":1}""", "'a'")]
    public async Task BadToolArgumentsFrom20251125AreToolErrorsNamingTheField(string tool, string arguments, string field)
    {
        var response = await _handler.PostAsync(Http.CallTool(5, tool, arguments), ("MCP-Protocol-Version", V1125));

        var result = response.Result(5);
        Assert.True(result.GetProperty("isError").GetBoolean());
        Assert.Contains(field, result.FirstText(), StringComparison.Ordinal);
        Assert.Contains(tool, result.FirstText(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task GoodToolArgumentsAreServed()
    {
        var result = (await _handler.PostAsync(Http.CallTool(6, "add", """{"a":2,"b":40,"ignored":"extra"}"""))).Result(6);

        Assert.False(result.TryGetProperty("isError", out _));
        Assert.Equal(42, result.GetProperty("structuredContent").GetProperty("result").GetInt32());
    }

    [Theory]
    [InlineData(V0618)]
    [InlineData(V1125)]
    public async Task ToolThatThrowsIsAToolErrorWithoutStackTrace(string version)
    {
        var response = await _handler.PostAsync(Http.CallTool(7, "fail", "{}"), ("MCP-Protocol-Version", version));

        var result = response.Result(7);
        Assert.True(result.GetProperty("isError").GetBoolean());
        var text = result.FirstText();
        Assert.Equal("An error occurred invoking 'fail'.", text);
        Assert.DoesNotContain("the database is down", response.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", response.Text(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task AThrowingToolsMessageStaysOnTheServerUnlessTheServerOptsIn()
    {
        // Issue 15: exception messages carry file paths and SQL; by default only the server's log sees them.
        var seen = new List<HandlerFailure>();
        var server = TestServer.Builder().WithHandlerFailureLog(seen.Add).Build();
        var request = McpHttpRequest.From("POST", "/mcp", [new("Content-Type", "application/json"), new("Accept", Http.JsonAndSse)], Encoding.UTF8.GetBytes(Http.CallTool(1, "fail", "{}")));
        var hidden = (await new StreamableHttpHandler(server).HandleAsync(new McpHttpRequest(request.Method, request.Path, request.Header, request.Body) { RequestId = "req-7" })).Result(1);
        Assert.Equal("An error occurred invoking 'fail'.", hidden.FirstText());
        var logged = Assert.Single(seen);
        Assert.Equal(("tools/call", "fail", "req-7"), (logged.Method, logged.Name, logged.RequestId));
        Assert.Equal("the database is down", logged.Exception.Message);
        Assert.Equal("tools/call 'fail' failed (request req-7)", logged.Summary);
        // The log line has the exception's type and frames; its message (which may quote an argument) only on request.
        Assert.False(logged.MessagesLogged);
        Assert.StartsWith("tools/call 'fail' failed (request req-7): System.InvalidOperationException", logged.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("the database is down", logged.ToString(), StringComparison.Ordinal);
        Assert.Contains("PMCP_LOG_EXCEPTION_MESSAGES=true", logged.ToString(), StringComparison.Ordinal);

        var shown = (await new StreamableHttpHandler(TestServer.Builder().WithToolErrorDetails().WithHandlerFailureLog(_ => { }).Build()).PostAsync(Http.CallTool(1, "fail", "{}"))).Result(1);
        Assert.True(shown.GetProperty("isError").GetBoolean());
        Assert.Equal("Tool 'fail' failed: the database is down", shown.FirstText());
    }

    [Fact]
    public async Task AFailureLogThatThrowsStillLetsTheServerAnswer()
    {
        var server = TestServer.Builder().WithHandlerFailureLog(_ => throw new InvalidOperationException("the log is down")).Build();
        var handler = new StreamableHttpHandler(server);

        var answer = (await handler.PostAsync(Http.CallTool(1, "fail", "{}"))).Result(1);

        Assert.Equal("An error occurred invoking 'fail'.", answer.FirstText());
        await handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task AToolThrowingMcpExceptionStillSendsItsMessage()
    {
        var server = McpServer.CreateBuilder("mcp-error", "1.0").WithJsonContext(TestJsonContext.Default)
            .Tool<EmptyInput, string>("refuse", "Refuses with its own words", _ => throw McpException.InvalidParams("the 'id' must name an open ticket"))
            .Build();

        var response = await new StreamableHttpHandler(server).PostAsync(Http.CallTool(1, "refuse", "{}"));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Equal("the 'id' must name an open ticket", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ResourceHandlerThatThrowsIsInternalErrorWithoutDetails()
    {
        var seen = new List<HandlerFailure>();
        var server = TestServer.Builder().WithHandlerFailureLog(seen.Add).Build();
        var handler = new StreamableHttpHandler(server);

        var response = await handler.PostAsync(Http.Request(8, "resources/read", """{"uri":"test://broken"}"""));

        var error = response.Error(200, McpErrorCodes.InternalError);
        Assert.Equal("Internal error", error.GetProperty("message").GetString());
        Assert.False(error.TryGetProperty("data", out _));
        Assert.DoesNotContain("hunter2", response.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", response.Text(), StringComparison.Ordinal);
        var failure = Assert.Single(seen);
        Assert.Equal(("resources/read", "test://broken"), (failure.Method, failure.Name));
        Assert.Equal(TestServer.SecretInException, failure.Exception.Message);
        await handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("tools/list")]
    [InlineData("resources/list")]
    [InlineData("resources/templates/list")]
    [InlineData("prompts/list")]
    public async Task BadCursorIsInvalidParams(string method)
    {
        foreach (var cursor in new[] { "\"garbage\"", "\"\"", "\"!!!\"", $"\"{Cursor.Encode(1000)}\"", "17" })
        {
            var response = await _handler.PostAsync(Http.Request(9, method, $$"""{"cursor":{{cursor}}}"""));
            response.Error(200, McpErrorCodes.InvalidParams);
        }

        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task PaginationGivesEveryItemExactlyOnce()
    {
        var builder = McpServer.CreateBuilder("paged", "1.0").WithJsonContext(TestJsonContext.Default).WithPageSize(2);
        for (var i = 0; i < 5; i++)
        {
            var n = i;
            builder.Tool<EchoInput, string>($"tool{n}", null, input => input.Message)
                .Resource(new Resource($"test://r/{n}", $"r{n}"), $"text {n}")
                .Prompt(new Prompt($"prompt{n}"), (_, _) => ValueTask.FromResult(new GetPromptResult([PromptMessage.User("hi")])));
        }

        var handler = new StreamableHttpHandler(builder.Build());

        Assert.Equal(["tool0", "tool1", "tool2", "tool3", "tool4"], await ListAllAsync(handler, "tools/list", "tools", "name"));
        Assert.Equal(["test://r/0", "test://r/1", "test://r/2", "test://r/3", "test://r/4"], await ListAllAsync(handler, "resources/list", "resources", "uri"));
        Assert.Equal(["prompt0", "prompt1", "prompt2", "prompt3", "prompt4"], await ListAllAsync(handler, "prompts/list", "prompts", "name"));
    }

    private static async Task<List<string>> ListAllAsync(StreamableHttpHandler handler, string method, string field, string key)
    {
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var parameters = cursor is null ? "{}" : $$"""{"cursor":"{{cursor}}"}""";
            var result = (await handler.PostAsync(Http.Request(pages + 1, method, parameters))).Result(pages + 1);
            var items = result.GetProperty(field);
            Assert.InRange(items.GetArrayLength(), 1, 2);
            seen.AddRange(items.EnumerateArray().Select(i => i.GetProperty(key).GetString()!));
            cursor = result.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
            pages++;
            Assert.True(pages <= 10, "pagination does not end");
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        return seen;
    }

    [Fact]
    public async Task ListsWithoutParamsStartAtTheBeginning()
    {
        var result = (await _handler.PostAsync(Http.Request(1, "tools/list"))).Result(1);
        Assert.Equal(["echo", "add", "query", "profile", "fail", "work", "quiet"], result.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.False(result.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task UnknownResourceIsResourceNotFoundWithUri()
    {
        var response = await _handler.PostAsync(Http.Request(10, "resources/read", """{"uri":"test://nowhere"}"""), ("MCP-Protocol-Version", V1125));

        var error = response.Error(200, McpErrorCodes.ResourceNotFound);
        Assert.Equal("test://nowhere", error.GetProperty("data").GetProperty("uri").GetString());
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task StaticResourceIsRead()
    {
        var result = (await _handler.PostAsync(Http.Request(11, "resources/read", """{"uri":"test://static/readme"}"""))).Result(11);

        var contents = Assert.Single(result.GetProperty("contents").EnumerateArray());
        Assert.Equal("test://static/readme", contents.GetProperty("uri").GetString());
        Assert.Equal("hello from the readme", contents.GetProperty("text").GetString());
        Assert.Equal("text/plain", contents.GetProperty("mimeType").GetString());
    }

    [Theory]
    [InlineData("test://template/42/data", "42")]
    [InlineData("test://template/a%20b/data", "a b")]
    [InlineData("test://template/caf%C3%A9/data", "café")]
    public async Task ResourceTemplateMatchesAndPassesVariables(string uri, string id)
    {
        var result = (await _handler.PostAsync(Http.Request(12, "resources/read", $$"""{"uri":"{{uri}}"}"""))).Result(12);

        var contents = Assert.Single(result.GetProperty("contents").EnumerateArray());
        Assert.Equal(uri, contents.GetProperty("uri").GetString());
        Assert.Equal($"data for {id}", contents.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("test://template/42/data/more")]
    [InlineData("test://template/4/2/data")]
    [InlineData("test://template//data")]
    [InlineData("test://template/42/dat")]
    public async Task UrisOutsideTheTemplateAreNotFound(string uri)
    {
        var response = await _handler.PostAsync(Http.Request(13, "resources/read", $$"""{"uri":"{{uri}}"}"""));
        response.Error(200, McpErrorCodes.ResourceNotFound);
    }

    [Fact]
    public async Task ResourceTemplatesAreListed()
    {
        var result = (await _handler.PostAsync(Http.Request(1, "resources/templates/list"))).Result(1);
        var template = Assert.Single(result.GetProperty("resourceTemplates").EnumerateArray());
        Assert.Equal("test://template/{id}/data", template.GetProperty("uriTemplate").GetString());
    }

    [Fact]
    public async Task PromptIsRendered()
    {
        var result = (await _handler.PostAsync(Http.Request(14, "prompts/get", """{"name":"greet","arguments":{"name":"Ada","style":"formal"}}"""))).Result(14);

        var message = Assert.Single(result.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        Assert.Equal("text", message.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal("Say hello to Ada in a formal way", message.GetProperty("content").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"name":"greet"}""", "'name'")]
    [InlineData("""{"name":"greet","arguments":{"style":"formal"}}""", "'name'")]
    [InlineData("""{"name":"greet","arguments":{"name":3}}""", "arguments.name")]
    [InlineData("""{"name":"nope","arguments":{}}""", "nope")]
    public async Task BadPromptArgumentsAreInvalidParams(string parameters, string named)
    {
        var response = await _handler.PostAsync(Http.Request(15, "prompts/get", parameters));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task CompletionCompletes()
    {
        var result = (await _handler.PostAsync(Http.Request(16, "completion/complete",
            """{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"style","value":"f"}}"""))).Result(16);

        var completion = result.GetProperty("completion");
        Assert.Equal(["formal", "friendly", "funny"], completion.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task CompletionIsCappedAt100Values()
    {
        var handler = new StreamableHttpHandler(McpServer.CreateBuilder("many", "1.0")
            .Completion((_, _) => ValueTask.FromResult(new Completion([.. Enumerable.Range(0, 250).Select(i => $"v{i}")])))
            .Build());

        var result = (await handler.PostAsync(Http.Request(1, "completion/complete",
            """{"ref":{"type":"ref/resource","uri":"test://template/{id}/data"},"argument":{"name":"id","value":""}}"""))).Result(1);

        var completion = result.GetProperty("completion");
        Assert.Equal(100, completion.GetProperty("values").GetArrayLength());
        Assert.Equal(250, completion.GetProperty("total").GetInt32());
        Assert.True(completion.GetProperty("hasMore").GetBoolean());
    }

    [Theory]
    [InlineData("""{"ref":{"type":"ref/prompt","name":"nope"},"argument":{"name":"style","value":"f"}}""", "nope")]
    [InlineData("""{"ref":{"type":"ref/other","name":"greet"},"argument":{"name":"style","value":"f"}}""", "ref.type")]
    [InlineData("""{"ref":{"type":"ref/prompt","name":"greet"}}""", "'argument'")]
    [InlineData("""{"ref":{"type":"ref/prompt","name":"greet"},"argument":{"name":"style"}}""", "argument.value")]
    [InlineData("""{"argument":{"name":"style","value":"f"}}""", "'ref'")]
    public async Task BadCompletionRequestsAreInvalidParams(string parameters, string named)
    {
        var response = await _handler.PostAsync(Http.Request(17, "completion/complete", parameters));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData("debug")]
    [InlineData("emergency")]
    public async Task SetLevelAcceptsLogLevels(string level)
    {
        var result = (await _handler.PostAsync(Http.Request(18, "logging/setLevel", $$"""{"level":"{{level}}"}"""))).Result(18);
        Assert.Equal(JsonValueKind.Object, result.ValueKind);
    }

    [Theory]
    [InlineData("""{"level":"verbose"}""")]
    [InlineData("""{"level":"INFO"}""")]
    [InlineData("""{"level":3}""")]
    [InlineData("""{}""")]
    public async Task SetLevelRefusesOtherLevels(string parameters)
    {
        var response = await _handler.PostAsync(Http.Request(19, "logging/setLevel", parameters));

        var error = response.Error(200, McpErrorCodes.InvalidParams);
        Assert.Contains("level", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await _handler.AssertStillServesAsync();
    }

    [Theory]
    [InlineData(ProtocolVersions.V20241105, ProtocolVersions.V20241105)]
    [InlineData(ProtocolVersions.V20250326, ProtocolVersions.V20250326)]
    [InlineData(ProtocolVersions.V20250618, ProtocolVersions.V20250618)]
    [InlineData(ProtocolVersions.V20251125, ProtocolVersions.V20251125)]
    [InlineData("2099-01-01", ProtocolVersions.V20251125)]
    [InlineData("1.0", ProtocolVersions.V20251125)]
    [InlineData(ProtocolVersions.V20260728, ProtocolVersions.V20251125)]
    public async Task InitializeNegotiatesTheVersion(string requested, string expected)
    {
        var body = Http.Request(20, "initialize",
            $$$"""{"protocolVersion":"{{{requested}}}","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""");

        var result = (await _handler.PostAsync(body)).Result(20);

        Assert.Equal(expected, result.GetProperty("protocolVersion").GetString());
        Assert.Equal("test-server", result.GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.Equal("1.2.3", result.GetProperty("serverInfo").GetProperty("version").GetString());
        Assert.Equal("Use the tools.", result.GetProperty("instructions").GetString());
        var capabilities = result.GetProperty("capabilities");
        Assert.False(capabilities.GetProperty("tools").GetProperty("listChanged").GetBoolean());
        Assert.Equal(JsonValueKind.Object, capabilities.GetProperty("resources").ValueKind);
        Assert.Equal(JsonValueKind.Object, capabilities.GetProperty("prompts").ValueKind);
        Assert.Equal(JsonValueKind.Object, capabilities.GetProperty("logging").ValueKind);
        Assert.Equal(JsonValueKind.Object, capabilities.GetProperty("completions").ValueKind);
    }

    [Fact]
    public async Task InitializeWithoutParamsOffersTheLatest()
    {
        var result = (await _handler.PostAsync(Http.Request(21, "initialize"))).Result(21);
        Assert.Equal(ProtocolVersions.V20251125, result.GetProperty("protocolVersion").GetString());
    }

    [Fact]
    public async Task BatchWithoutHeaderReturnsAnArray()
    {
        var body = $$"""
            [
              {{Http.Request(1, "ping")}},
              {"jsonrpc":"2.0","method":"notifications/initialized"},
              {{Http.CallTool(2, "echo", """{"message":"in a batch"}""")}},
              {"jsonrpc":"2.0","id":3,"method":"no/such"},
              {"jsonrpc":"1.0","id":4,"method":"ping"},
              {{Http.Request(5, "initialize", """{"protocolVersion":"2025-03-26"}""")}}
            ]
            """;

        var response = await _handler.PostAsync(body);

        Assert.Equal(200, response.StatusCode);
        var replies = response.Json();
        Assert.Equal(JsonValueKind.Array, replies.ValueKind);
        var byId = replies.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetInt32());
        Assert.Equal([1, 2, 3, 4, 5], byId.Keys.Order());
        Assert.Equal(JsonValueKind.Object, byId[1].GetProperty("result").ValueKind);
        Assert.Equal("in a batch", byId[2].GetProperty("result").FirstText());
        Assert.Equal(McpErrorCodes.MethodNotFound, byId[3].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(McpErrorCodes.InvalidRequest, byId[4].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(McpErrorCodes.InvalidRequest, byId[5].GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task BatchWith20250326HeaderIsServed()
    {
        var response = await _handler.PostAsync($"[{Http.Request(1, "ping")}]", ("MCP-Protocol-Version", ProtocolVersions.V20250326));
        Assert.Single(response.Json().EnumerateArray());
    }

    [Fact]
    public async Task BatchOfNotificationsIs202()
    {
        var response = await _handler.PostAsync("""[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":1,"result":{}}]""");
        Assert.Equal(202, response.StatusCode);
        Assert.True(response.Body.IsEmpty);
    }

    [Theory]
    [InlineData(ProtocolVersions.V20250618)]
    [InlineData(ProtocolVersions.V20251125)]
    [InlineData(ProtocolVersions.V20260728)]
    public async Task BatchWithLaterHeaderIs400(string version)
    {
        var response = await _handler.PostAsync($"[{Http.Request(1, "ping")}]", ("MCP-Protocol-Version", version));

        response.Error(400, McpErrorCodes.InvalidRequest);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task EmptyBatchIs400()
    {
        var response = await _handler.PostAsync("[]");
        response.Error(400, McpErrorCodes.InvalidRequest);
        await _handler.AssertStillServesAsync();
    }

    [Fact]
    public async Task ManyConcurrentRequestsAreAnsweredIndependently()
    {
        var tasks = Enumerable.Range(1, 50).Select(async i =>
        {
            var result = (await _handler.PostAsync(Http.CallTool(i, "add", $"{{\"a\":{i},\"b\":1000}}"))).Result(i);
            return result.GetProperty("structuredContent").GetProperty("result").GetInt32() - 1000;
        });

        Assert.Equal(Enumerable.Range(1, 50), await Task.WhenAll(tasks));
    }

    [Fact]
    public async Task BodyIsReadAsUtf8()
    {
        var body = Encoding.UTF8.GetBytes(Http.CallTool(1, "echo", """{"message":"héllo \u2603 😀"}"""));
        var result = (await _handler.PostAsync(body)).Result(1);
        Assert.Equal("héllo ☃ 😀", result.FirstText());
    }
}
