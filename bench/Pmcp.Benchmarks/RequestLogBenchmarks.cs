using System.Text;
using BenchmarkDotNet.Attributes;
using HelloWorld;
using Pmcp.Http;

namespace Pmcp.Benchmarks;

/// <summary>
/// The CPU cost of the structured request log (issue 19): one <c>tools/call</c> through the handler with request
/// lines off, at <c>errors</c> (an ok call writes nothing) and at <c>all</c> (one line per call, written to a sink
/// that keeps only its length, so the console's own cost is not measured).
/// </summary>
[MemoryDiagnoser]
public class RequestLogBenchmarks
{
    private StreamableHttpHandler _off = null!;
    private StreamableHttpHandler _errors = null!;
    private StreamableHttpHandler _all = null!;
    private McpHttpRequest _toolsCall = null!;
    private long _written;

    [GlobalSetup]
    public void Setup()
    {
        var server = HelloWorldServer.CreateServer();
        _off = new StreamableHttpHandler(server, new StreamableHttpOptions());
        _errors = new StreamableHttpHandler(server, new StreamableHttpOptions { RequestLog = new RequestLogOptions { Level = RequestLogLevel.Errors, Writer = Sink } });
        _all = new StreamableHttpHandler(server, new StreamableHttpOptions { RequestLog = new RequestLogOptions { Level = RequestLogLevel.All, Writer = Sink } });
        _toolsCall = McpHttpRequest.From("POST", "/mcp", [
            new("Host", "127.0.0.1:8787"),
            new("Content-Type", "application/json"),
            new("Accept", "application/json, text/event-stream"),
            new("MCP-Protocol-Version", "2025-06-18"),
        ], Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello, benchmark"}}}"""));

        _all.HandleAsync(_toolsCall).GetAwaiter().GetResult();
        if (_written == 0)
        {
            throw new InvalidOperationException("The request log at 'all' wrote no line for a tools/call.");
        }
    }

    [Benchmark(Baseline = true, Description = "tools/call echo, request log off")]
    public Task<McpHttpResponse> Off() => _off.HandleAsync(_toolsCall);

    [Benchmark(Description = "tools/call echo, request log errors (ok: no line)")]
    public Task<McpHttpResponse> Errors() => _errors.HandleAsync(_toolsCall);

    [Benchmark(Description = "tools/call echo, request log all (one line)")]
    public Task<McpHttpResponse> All() => _all.HandleAsync(_toolsCall);

    private void Sink(string line, bool isError) => _written += line.Length;
}
