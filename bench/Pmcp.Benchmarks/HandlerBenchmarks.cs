using System.Text;
using BenchmarkDotNet.Attributes;
using HelloWorld;
using Pmcp.Http;

namespace Pmcp.Benchmarks;

/// <summary>
/// One MCP request through <see cref="StreamableHttpHandler.HandleAsync"/>: JSON bytes in, response bytes out, as the
/// native host and the Workers host call it. The handler is set up like the native host's (loopback Host check on),
/// and the requests carry the headers a real client sends, so every guard on the path runs.
/// </summary>
[MemoryDiagnoser]
public class HandlerBenchmarks
{
    private StreamableHttpHandler _handler = null!;
    private McpHttpRequest _toolsCall = null!;
    private McpHttpRequest _toolsCallJsonOnly = null!;
    private McpHttpRequest _toolsCallStateless = null!;
    private McpHttpRequest _toolsList = null!;
    private McpHttpRequest _initialize = null!;
    private McpHttpRequest _parseError = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new StreamableHttpOptions();
        foreach (var host in StreamableHttpOptions.LoopbackHosts)
        {
            options.AllowedHosts.Add(host);
        }

        _handler = new StreamableHttpHandler(HelloWorldServer.CreateServer(), options);
        _toolsCall = Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello, benchmark"}}}""");
        _toolsCallJsonOnly = Post("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello, benchmark"}}}""", accept: "application/json");
        _toolsList = Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        _initialize = Post("""{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1.0.0"}}}""", version: null);
        _parseError = Post("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{""");
        _toolsCallStateless = Post(
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello, benchmark"},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""",
            version: "2026-07-28",
            extra: [new("Mcp-Method", "tools/call"), new("Mcp-Name", "echo")]);

        // Fail fast if a request stops taking the path it is meant to measure.
        Expect(_toolsCall, 200, "hello, benchmark");
        Expect(_toolsCallJsonOnly, 200, "hello, benchmark");
        Expect(_toolsList, 200, "\"echo\"");
        Expect(_initialize, 200, "\"serverInfo\"");
        Expect(_parseError, 400, "-32700");
        Expect(_toolsCallStateless, 200, "hello, benchmark");
    }

    [Benchmark(Baseline = true, Description = "tools/call echo")]
    public Task<McpHttpResponse> ToolsCallEcho() => _handler.HandleAsync(_toolsCall);

    /// <summary>A client that takes no event stream: the handler need not be ready to switch to SSE.</summary>
    [Benchmark(Description = "tools/call echo (Accept: JSON only)")]
    public Task<McpHttpResponse> ToolsCallEchoJsonOnly() => _handler.HandleAsync(_toolsCallJsonOnly);

    [Benchmark(Description = "tools/call echo (2026-07-28 stateless)")]
    public Task<McpHttpResponse> ToolsCallEchoStateless() => _handler.HandleAsync(_toolsCallStateless);

    [Benchmark(Description = "tools/list")]
    public Task<McpHttpResponse> ToolsList() => _handler.HandleAsync(_toolsList);

    [Benchmark(Description = "initialize")]
    public Task<McpHttpResponse> Initialize() => _handler.HandleAsync(_initialize);

    [Benchmark(Description = "parse error (-32700)")]
    public Task<McpHttpResponse> ParseError() => _handler.HandleAsync(_parseError);

    private static McpHttpRequest Post(
        string json, string? version = "2025-06-18", KeyValuePair<string, string>[]? extra = null, string accept = "application/json, text/event-stream")
    {
        List<KeyValuePair<string, string>> headers =
        [
            new("Host", "127.0.0.1:8787"),
            new("Content-Type", "application/json"),
            new("Accept", accept),
            .. extra ?? [],
        ];
        if (version is not null)
        {
            headers.Add(new("MCP-Protocol-Version", version));
        }

        return McpHttpRequest.From("POST", "/mcp", headers, Encoding.UTF8.GetBytes(json));
    }

    private void Expect(McpHttpRequest request, int status, string contains)
    {
        var response = _handler.HandleAsync(request).GetAwaiter().GetResult();
        var body = Encoding.UTF8.GetString(response.Body.Span);
        if (response.StatusCode != status || !body.Contains(contains, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Benchmark request answered {response.StatusCode} {body}; expected {status} with {contains}");
        }
    }
}
