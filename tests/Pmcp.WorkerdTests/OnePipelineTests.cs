using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.WorkerdTests;

/// <summary>
/// One pipeline (issue 13): Kestrel turns each request into the Workers <c>Request</c> and calls the same Worker entry
/// as workerd, so the same project answers the same requests alike in both hosts — MCP, the Host and key checks from
/// its <c>.dev.vars</c> and dev's vars, the body limit, and the Router's own routes.
/// </summary>
[Collection("pipeline")]
public sealed class OnePipelineTests(PipelineHosts hosts) : IDisposable
{
    private const string Accept = "application/json, text/event-stream";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public void AWorkerRestoredFromItsImageWithAKeyRefusesAnUnauthenticatedFirstRequest()
    {
        // The settings are read at the first request that carries the Worker's env, not in the warm-up the image was taken after.
        Assert.Contains("started from the start-up image", hosts.Workerd.Output, StringComparison.Ordinal);
        Assert.Equal(401, hosts.FirstWorkerdAnswer.Status);
        Assert.Equal("Bearer", hosts.FirstWorkerdAnswer.Challenge);
    }

    [Fact]
    public async Task BothHostsAnswerTheSameRequestsAlike()
    {
        var cases = new (string Name, Func<string, HttpRequestMessage> Make)[]
        {
            ("initialize", url => Mcp(url, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pipeline","version":"1"}}}""")),
            ("tools/list", url => Mcp(url, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""")),
            ("tools/call", url => Mcp(url, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"slow","arguments":{}}}""")),
            ("tools/call failing", url => Mcp(url, """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"fail","arguments":{}}}""")),
            ("notification", url => Mcp(url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""")),
            ("bad JSON", url => Mcp(url, """{"jsonrpc":"2.0","id":""")),
            ("bad Host", url => Mcp(url, """{"jsonrpc":"2.0","id":5,"method":"ping"}""", host: "evil.example")),
            ("foreign Origin", url => Mcp(url, """{"jsonrpc":"2.0","id":6,"method":"ping"}""", origin: "https://evil.example")),
            ("missing key", url => Mcp(url, """{"jsonrpc":"2.0","id":7,"method":"ping"}""", key: null)),
            ("wrong key", url => Mcp(url, """{"jsonrpc":"2.0","id":8,"method":"ping"}""", key: "not-the-key")),
            ("oversized body", url => Mcp(url, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\",\"params\":{\"pad\":\"" + new string('x', 5 * 1024 * 1024) + "\"}}")),
            ("GET /mcp", url => new HttpRequestMessage(HttpMethod.Get, url)),
            ("GET /health", url => new HttpRequestMessage(HttpMethod.Get, Base(url) + "/health")),
            ("route with a parameter", url => new HttpRequestMessage(HttpMethod.Get, Base(url) + "/delay/1")),
            ("route answering 404", url => new HttpRequestMessage(HttpMethod.Get, Base(url) + "/env/PMCP_NO_SUCH_VAR")),
            ("route that throws", url => new HttpRequestMessage(HttpMethod.Get, Base(url) + "/throw")),
            ("unknown path", url => new HttpRequestMessage(HttpMethod.Get, Base(url) + "/no/such/route")),
            ("route with another method", url => new HttpRequestMessage(HttpMethod.Post, Base(url) + "/health") { Content = new StringContent("x") }),
        };

        // Every case against both hosts at once (36 requests in flight).
        var answers = await Task.WhenAll(cases.Select(async c =>
        {
            var native = SendAsync(c.Make(hosts.Native.McpUrl));
            var workerd = SendAsync(c.Make(hosts.Workerd.McpUrl));
            return (c.Name, Native: await native, Workerd: await workerd);
        }));

        var differences = new List<string>();
        foreach (var (name, native, workerd) in answers)
        {
            if (native.Status != workerd.Status)
            {
                differences.Add($"{name}: status {native.Status} natively, {workerd.Status} in workerd");
            }

            foreach (var header in new[] { "content-type", "www-authenticate", "allow", "mcp-session-id", "access-control-allow-origin" })
            {
                if (native.Headers.GetValueOrDefault(header) != workerd.Headers.GetValueOrDefault(header))
                {
                    differences.Add($"{name}: {header} is '{native.Headers.GetValueOrDefault(header)}' natively, '{workerd.Headers.GetValueOrDefault(header)}' in workerd");
                }
            }

            var json = native.Headers.GetValueOrDefault("content-type")?.StartsWith("application/json", StringComparison.Ordinal) == true;
            if (json ? !JsonNode.DeepEquals(Comparable(native.Body), Comparable(workerd.Body)) : native.Body != workerd.Body)
            {
                differences.Add($"{name}: the bodies differ\n  native:  {Shorten(native.Body)}\n  workerd: {Shorten(workerd.Body)}");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));

        // And they are the answers meant: the key from .dev.vars, dev's loopback hosts, the Worker's body limit, the routes.
        var byName = answers.ToDictionary(a => a.Name, a => a.Native);
        Assert.Equal(200, byName["tools/call"].Status);
        Assert.Contains("slow done", byName["tools/call"].Body, StringComparison.Ordinal);
        Assert.Equal(403, byName["bad Host"].Status);
        Assert.Equal(401, byName["missing key"].Status);
        Assert.Equal("Bearer", byName["missing key"].Headers["www-authenticate"]);
        Assert.Equal(413, byName["oversized body"].Status);
        Assert.Equal("waited 1 ms", byName["route with a parameter"].Body);
        Assert.Equal(500, byName["route that throws"].Status);
        Assert.Equal(405, byName["route with another method"].Status);
    }

    [Fact]
    public async Task AToolsFailureIsLoggedWholeWithItsRequestsIdInBothHosts()
    {
        // Issue 13: one log for handler failures, the same in both hosts, naming the request (its cf-ray when it has one).
        foreach (var (host, worker) in new[] { ("native", hosts.Native), ("workerd", hosts.Workerd) })
        {
            var ray = $"ray-{host}-{Guid.NewGuid():N}";
            var request = Mcp(worker.McpUrl, """{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"fail","arguments":{}}}""");
            request.Headers.TryAddWithoutValidation("cf-ray", ray);
            var answer = await SendAsync(request);
            Assert.Equal(200, answer.Status);
            Assert.Contains("An error occurred invoking 'fail'.", answer.Body, StringComparison.Ordinal);

            var line = $"tools/call 'fail' failed (request {ray})";
            for (var waited = 0; waited < 100 && !worker.Output.Contains(line, StringComparison.Ordinal); waited++)
            {
                await Task.Delay(100);
            }

            var output = worker.Output;
            var at = output.IndexOf(line, StringComparison.Ordinal);
            Assert.True(at >= 0, $"{host}: no '{line}' in the host's output:\n{output[Math.Max(0, output.Length - 3000)..]}");
            var logged = output[at..Math.Min(output.Length, at + 2000)];
            Assert.Contains("InvalidOperationException", logged, StringComparison.Ordinal);
            Assert.Contains("tool failed on purpose", logged, StringComparison.Ordinal);
        }
    }

    private async Task<(int Status, Dictionary<string, string> Headers, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                headers[name.ToLowerInvariant()] = string.Join(", ", values);
            }

            return ((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// The body as JSON, with a parse error's message left out: it quotes System.Text.Json's exception, whose text the
    /// Worker's trimmed build does not carry (UseSystemResourceKeys), so it differs by design; its code does not.
    /// </summary>
    private static JsonNode? Comparable(string body)
    {
        var node = JsonNode.Parse(body);
        if (node?["error"] is JsonObject error && error["code"]?.GetValue<int>() == -32700)
        {
            error.Remove("message");
        }

        return node;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private static string Base(string mcpUrl) => mcpUrl[..^"/mcp".Length];

    private static HttpRequestMessage Mcp(string url, string body, string? key = PipelineHosts.ApiKey, string? host = null, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return request;
    }
}
