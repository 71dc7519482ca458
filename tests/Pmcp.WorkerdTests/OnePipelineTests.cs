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
    public async Task AToolsFailureIsLoggedWithItsTypeAndRequestsIdButNotItsMessageInBothHosts()
    {
        // Issue 13: one log for handler failures, the same in both hosts, naming the request (its cf-ray when it has one).
        // Issue 19: without PMCP_LOG_EXCEPTION_MESSAGES, the exception's type is logged, never its message.
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
            Assert.Contains("System.InvalidOperationException", logged, StringComparison.Ordinal);
            Assert.Contains("PMCP_LOG_EXCEPTION_MESSAGES=true", logged, StringComparison.Ordinal);
            Assert.DoesNotContain("tool failed on purpose", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ARequestRefusedOnItsHeadersIsAnsweredBeforeItsBodyIsRead()
    {
        // Issue 15: path, method, Host, Origin and key are checked before a byte of the body is read. Each request
        // declares 1 MiB (under the 4 MiB limit, over what the JS host reads up front) and sends 1 KiB of it; a refusal
        // must come while the rest is still unsent.
        var refusals = new (string Name, string Method, string Path, string? Host, string? Origin, string? Key, int Status)[]
        {
            ("bad Host", "POST", "/mcp", "evil.example", null, PipelineHosts.ApiKey, 403),
            ("foreign Origin", "POST", "/mcp", null, "https://evil.example", PipelineHosts.ApiKey, 403),
            ("missing key", "POST", "/mcp", null, null, null, 401),
            ("wrong key", "POST", "/mcp", null, null, "not-the-key", 401),
            ("unknown path", "POST", "/no/such/route", null, null, PipelineHosts.ApiKey, 404),
            ("route with another method", "POST", "/health", null, null, PipelineHosts.ApiKey, 405),
        };

        // workerd alone, not through wrangler dev, whose proxy reads every body whole before passing the request on.
        foreach (var (host, mcpUrl) in new[] { ("native", hosts.Native.McpUrl), ("workerd", hosts.RawWorkerd.McpUrl) })
        {
            // Eight of each at once: the refusals must not wait behind one another's bodies either.
            var answers = await Task.WhenAll(refusals.SelectMany(r => Enumerable.Range(0, 8).Select(async _ =>
                (r.Name, r.Status, Answer: await PartialBodyAsync(mcpUrl, r.Method, r.Path, r.Host, r.Origin, r.Key, TimeSpan.FromSeconds(60))))));
            foreach (var (name, status, answer) in answers)
            {
                Assert.True(answer.StatusLine?.Contains($" {status} ", StringComparison.Ordinal) == true, $"{host}, {name}: expected {status} before the body was sent, got {answer.StatusLine ?? "no answer"}");
            }

            // The control: an admitted request waits for its body, and is answered once it has all of it.
            var admitted = await PartialBodyAsync(mcpUrl, "POST", "/mcp", null, null, PipelineHosts.ApiKey, TimeSpan.FromSeconds(3), finishAfterWait: true);
            Assert.Null(admitted.StatusLine);
            Assert.True(admitted.AfterBody?.Contains(" 200 ", StringComparison.Ordinal) == true, $"{host}: the admitted request, once its body was whole: {admitted.AfterBody ?? "no answer"}");
        }
    }

    /// <summary>
    /// Sends a request's head declaring a 1 MiB JSON-RPC ping and the first 1 KiB of it, then waits up to
    /// <paramref name="wait"/> for the status line. With <paramref name="finishAfterWait"/> it then sends the rest and
    /// reads the status line again.
    /// </summary>
    private static async Task<(string? StatusLine, string? AfterBody)> PartialBodyAsync(string mcpUrl, string method, string path, string? host, string? origin, string? key, TimeSpan wait, bool finishAfterWait = false)
    {
        const int Declared = 1024 * 1024;
        var prefix = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"";
        var body = Encoding.UTF8.GetBytes(prefix + new string('x', Declared - prefix.Length - 4) + "\"}}\n");
        Assert.Equal(Declared, body.Length);

        var url = new Uri(mcpUrl);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(url.Host, url.Port);
        var stream = client.GetStream();
        var head = new StringBuilder()
            .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host ?? url.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\nAccept: ").Append(Accept).Append("\r\nMCP-Protocol-Version: 2025-11-25\r\n")
            .Append("Content-Length: ").Append(Declared).Append("\r\n");
        if (origin is not null)
        {
            head.Append("Origin: ").Append(origin).Append("\r\n");
        }

        if (key is not null)
        {
            head.Append("Authorization: Bearer ").Append(key).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await stream.WriteAsync(body.AsMemory(0, 1024));
        await stream.FlushAsync();

        // One read for the status line, never cancelled (a cancelled socket read may take the connection with it).
        var reading = StatusLineAsync(stream);
        if (await Task.WhenAny(reading, Task.Delay(wait)) == reading)
        {
            return (await reading, null);
        }

        if (!finishAfterWait)
        {
            return (null, null);
        }

        await stream.WriteAsync(body.AsMemory(1024));
        await stream.FlushAsync();
        return (null, await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(60))) == reading ? await reading : null);
    }

    private static async Task<string?> StatusLineAsync(System.Net.Sockets.NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        try
        {
            while (await stream.ReadAsync(one) == 1 && one[0] != (byte)'\n')
            {
                line.Add(one[0]);
            }
        }
        catch (IOException)
        {
            // The connection was closed under the read.
        }

        return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
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
