using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pmcp.FakeCloudflare;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The structured request log (issue 19) in both hosts: the project served by <see cref="PipelineHosts"/> (dev's
/// default, <c>PMCP_REQUEST_LOG=all</c>, shown as JSON with <c>--request-log json</c>) writes one line per MCP
/// message with its outcome and duration, never an argument value; and <c>deploy logs --outcome</c> filters the lines
/// the Worker wrote in workerd, sent through the fake Cloudflare's tail with its filters applied.
/// </summary>
[Collection("pipeline")]
public sealed partial class RequestLogTests(PipelineHosts hosts) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ThreeToolCallsWriteThreeLinesWithTheirOutcomesAndNoArgumentValueInBothHosts()
    {
        foreach (var (host, worker, first) in new[] { ("native", hosts.Native, 1_901), ("workerd", hosts.Workerd, 2_901) })
        {
            var secret = $"sk-live-{Guid.NewGuid():N}";
            var ray = $"ray-{host}-{Guid.NewGuid():N}"[..24];
            const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
            var calls = new[]
            {
                (Id: first, Name: "remember", Arguments: $$"""{"secret":"{{secret}}","count":3}""", Outcome: "ok"),
                (Id: first + 1, Name: "explode", Arguments: $$"""{"secret":"{{secret}}"}""", Outcome: "tool_error"),
                (Id: first + 2, Name: "remember", Arguments: $$"""{"secret":"{{secret}}","count":"{{secret}}"}""", Outcome: "tool_error"),
            };
            foreach (var call in calls)
            {
                var request = Call(worker.McpUrl, call.Id, call.Name, call.Arguments);
                request.Headers.TryAddWithoutValidation("traceparent", $"00-{Trace}-00f067aa0ba902b7-01");
                request.Headers.TryAddWithoutValidation("cf-ray", ray);
                using var response = await _http.SendAsync(request);
                Assert.Equal(200, (int)response.StatusCode);
            }

            var lines = await LinesAsync(worker, calls.Select(c => c.Id));
            foreach (var call in calls)
            {
                var line = lines[call.Id];
                Assert.Equal("tool_call", line.GetProperty("mcp").GetString());
                Assert.Equal("tools/call", line.GetProperty("method").GetString());
                Assert.Equal(call.Name, line.GetProperty("name").GetString());
                Assert.True(call.Outcome == line.GetProperty("outcome").GetString(), $"{host}: call {call.Id} ({call.Name}): {line}");
                Assert.Equal("2025-11-25", line.GetProperty("protocol").GetString());
                Assert.Equal(ray, line.GetProperty("cfRay").GetString());
                Assert.Equal(Trace, line.GetProperty("traceId").GetString());
                Assert.Matches("^[0-9a-f]{16}$", line.GetProperty("requestId").GetString());
                Assert.True(line.GetProperty("durationMs").GetDouble() >= 0, $"{host}: {line}");
            }

            // remember waits 10 ms or more on a timer before it answers: the duration covers the call.
            Assert.True(lines[first].GetProperty("durationMs").GetDouble() >= 10, $"{host}: {lines[first]}");
            // The tool's own Log line carries its request's id and cf-ray.
            var requestId = lines[first].GetProperty("requestId").GetString();
            Assert.Contains($"[{requestId} cf-ray:{ray}] remember called", worker.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, worker.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EightConcurrentCallsWriteEightLinesEachWithItsOwnIdAndOutcome()
    {
        foreach (var (host, worker, first) in new[] { ("native", hosts.Native, 3_001), ("workerd", hosts.Workerd, 4_001) })
        {
            var ids = Enumerable.Range(first, 8).ToArray();
            await Task.WhenAll(ids.Select(async id =>
            {
                var request = id % 2 == 0
                    ? Call(worker.McpUrl, id, "remember", $$"""{"secret":"s{{id}}","count":{{id}}}""")
                    : Call(worker.McpUrl, id, "explode", """{"secret":"x"}""");
                using var response = await _http.SendAsync(request);
                Assert.Equal(200, (int)response.StatusCode);
            }));

            var lines = await LinesAsync(worker, ids);
            Assert.All(ids, id => Assert.True(
                (id % 2 == 0 ? "ok" : "tool_error") == lines[id].GetProperty("outcome").GetString(), $"{host}: {lines[id]}"));
            Assert.Equal(8, ids.Select(id => lines[id].GetProperty("requestId").GetString()).Distinct().Count());
            // Each remember's own line carries its own request's id.
            foreach (var id in ids.Where(id => id % 2 == 0))
            {
                var requestId = lines[id].GetProperty("requestId").GetString();
                Assert.Matches($@"\[{requestId}( cf-ray:[^\]]*)?\] remember called", worker.Output);
            }
        }
    }

    [Fact]
    public async Task EightToolsThrowingMessagesThatQuoteTheirArgumentsLeaveNoArgumentInTheOutputOfEitherHost()
    {
        // The tool's exception and the one inside it quote the secret: by default the hosts log their types (and the
        // request's line its tool_error), never a message.
        foreach (var (host, worker, first) in new[] { ("native", hosts.Native, 6_001), ("workerd", hosts.Workerd, 7_001) })
        {
            var ids = Enumerable.Range(first, 8).ToArray();
            var secrets = ids.ToDictionary(id => id, id => $"sk-leak-{id}-{Guid.NewGuid():N}");
            await Task.WhenAll(ids.Select(async id =>
            {
                using var response = await _http.SendAsync(Call(worker.McpUrl, id, "leak", $$"""{"secret":"{{secrets[id]}}"}"""));
                Assert.Equal(200, (int)response.StatusCode);
                var body = await response.Content.ReadAsStringAsync();
                Assert.Contains("An error occurred invoking 'leak'.", body, StringComparison.Ordinal);
                Assert.DoesNotContain(secrets[id], body, StringComparison.Ordinal);
            }));

            var lines = await LinesAsync(worker, ids);
            Assert.All(ids, id => Assert.True("tool_error" == lines[id].GetProperty("outcome").GetString(), $"{host}: {lines[id]}"));
            // Each failure is logged, with both exceptions' types, under its request's id (its request line's).
            foreach (var id in ids)
            {
                var failure = new Regex($@"\[{lines[id].GetProperty("requestId").GetString()}( cf-ray:[^\]]*)?\] (pmcp: )?tools/call 'leak' failed");
                for (var waited = 0; waited < 100 && !failure.IsMatch(worker.Output); waited++)
                {
                    await Task.Delay(100);
                }

                var output = worker.Output;
                var match = failure.Match(output);
                Assert.True(match.Success, $"{host}: no '{failure}' in:\n{output[^Math.Min(output.Length, 4000)..]}");
                var logged = output[match.Index..Math.Min(output.Length, match.Index + 3000)];
                Assert.Contains("System.InvalidOperationException", logged, StringComparison.Ordinal);
                Assert.Contains("System.FormatException", logged, StringComparison.Ordinal);
            }

            Assert.All(ids, id => Assert.DoesNotContain(secrets[id], worker.Output, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task DeployLogsOutcomeErrorKeepsOnlyTheErrorLinesTheWorkerWroteInWorkerd()
    {
        // Real lines: what the Worker wrote in workerd for a call that succeeded and one whose tool failed.
        var worker = hosts.Workerd;
        foreach (var (id, name) in new[] { (5_001, "remember"), (5_002, "explode") })
        {
            using var response = await _http.SendAsync(Call(worker.McpUrl, id, name, $$"""{"secret":"s","count":{{id}}}"""));
            Assert.Equal(200, (int)response.StatusCode);
        }

        var lines = await LinesAsync(worker, [5_001, 5_002]);
        var okLine = lines[5_001].GetRawText();
        var errorLine = lines[5_002].GetRawText();
        var okRequestId = lines[5_001].GetProperty("requestId").GetString()!;
        var errorRequestId = lines[5_002].GetProperty("requestId").GetString()!;

        await using var cloudflare = await FakeCloudflareApi.StartAsync();
        using var project = DeployProject.CopyOf(hosts.ProjectDirectory, cloudflare.AccountId);
        await project.RunAsync(cloudflare, "deploy", ".", "--no-build");

        foreach (var format in new[] { "json", "pretty" })
        {
            var logs = project.RunAsync(cloudflare, "deploy", "logs", ".", "--format", format, "--search", "tool_call", "--outcome", "error", "--duration", "60");
            var tail = await cloudflare.WaitForTailAsync("my-server", TimeSpan.FromSeconds(60));
            // Each call was an invocation that ended ok: wrangler's --status could not tell them apart.
            Assert.True(await tail.SendAsync(TailEvents.Fetch("my-server", "https://my-server.example.workers.dev/mcp", "POST", 200, "ok", [("log", "[x] remember called"), ("log", okLine)])));
            Assert.True(await tail.SendAsync(TailEvents.Fetch("my-server", "https://my-server.example.workers.dev/mcp", "POST", 200, "ok", [("error", errorLine)])));
            // No tool_call in its lines: Cloudflare does not send it to a tail searching for tool_call.
            Assert.False(await tail.SendAsync(TailEvents.Fetch("my-server", "https://my-server.example.workers.dev/health", "GET", 200, "ok", "health")));
            await Task.Delay(TimeSpan.FromSeconds(2));
            await tail.CloseAsync();
            var output = await logs;

            Assert.True(output.Contains(errorRequestId, StringComparison.Ordinal) && output.Contains("tool_error", StringComparison.Ordinal), $"{format}:\n{output}");
            Assert.DoesNotContain(okRequestId, output, StringComparison.Ordinal);
            Assert.DoesNotContain("remember called", output, StringComparison.Ordinal);
            Assert.Contains("tool_call", tail.Filters!.ToJsonString(), StringComparison.Ordinal);
        }
    }

    /// <summary>The structured lines (JSON) of the given JSON-RPC ids in a host's output, waiting until all are there.</summary>
    private static async Task<Dictionary<int, JsonElement>> LinesAsync(RunningWorker worker, IEnumerable<int> ids)
    {
        var wanted = ids.ToHashSet();
        var found = new Dictionary<int, JsonElement>();
        for (var waited = 0; waited < 200; waited++)
        {
            found.Clear();
            foreach (Match match in StructuredLine().Matches(worker.Output))
            {
                using var document = JsonDocument.Parse(match.Value);
                if (document.RootElement.TryGetProperty("id", out var id) && id.TryGetInt32(out var number) && wanted.Contains(number))
                {
                    Assert.False(found.ContainsKey(number), $"two lines for id {number}:\n{worker.Output[^Math.Min(worker.Output.Length, 4000)..]}");
                    found[number] = document.RootElement.Clone();
                }
            }

            if (found.Count == wanted.Count)
            {
                return found;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"lines for {string.Join(", ", wanted.Except(found.Keys))} missing:\n{worker.Output[^Math.Min(worker.Output.Length, 4000)..]}");
        return found;
    }

    private static HttpRequestMessage Call(string url, int id, string name, string arguments)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent($$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"tools/call","params":{"name":"{{{name}}}","arguments":{{{arguments}}}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PipelineHosts.ApiKey);
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        return request;
    }

    [GeneratedRegex("""\{"mcp":"[^\n]*\}""")]
    private static partial Regex StructuredLine();
}
