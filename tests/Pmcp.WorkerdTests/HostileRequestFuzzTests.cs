using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Issue 15's fuzz test: thousands of generated malformed and oversized MCP requests (<see cref="HostileRequests"/>)
/// against the same project in both hosts at once (<see cref="PipelineHosts"/>: workerd and the native host). Every
/// answer is a 4xx or a JSON-RPC answer, never a 5xx; both hosts answer each the same; both still serve a good request
/// afterwards.
/// </summary>
[Collection("pipeline")]
public sealed class HostileRequestFuzzTests(PipelineHosts hosts) : IDisposable
{
    private const int Requests = 1500;
    private const int Concurrency = 8;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ThousandsOfMalformedRequestsGetClearAnswersAndTheSameInBothHostsAndTheWorkerKeepsServing()
    {
        var native = RunAsync(hosts.Native.McpUrl);
        var workerd = RunAsync(hosts.Workerd.McpUrl);
        var (nativeAnswers, workerdAnswers) = (await native, await workerd);

        var problems = new List<string>();
        for (var seed = 0; seed < Requests; seed++)
        {
            var (n, w) = (nativeAnswers[seed], workerdAnswers[seed]);
            foreach (var (host, answer) in new[] { ("native", n), ("workerd", w) })
            {
                if (Problem(answer) is { } problem)
                {
                    problems.Add($"seed {seed} ({answer.Kind}) {host}: {problem}");
                }
            }

            if (n.Status != w.Status)
            {
                var hostile = HostileRequests.Make(seed, PipelineHosts.ApiKey);
                problems.Add($"seed {seed} ({n.Kind}): {n.Status} natively, {w.Status} in workerd ({Shorten(n.Body)} | {Shorten(w.Body)}); the request: "
                    + string.Join("; ", hostile.Headers.Select(h => $"{h.Name}: {h.Value}")) + $"; Content-Type: {hostile.ContentType}; {Shorten(Encoding.UTF8.GetString(hostile.Body))}");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} problems in {Requests} requests per host, the first 20:\n" + string.Join('\n', problems.Take(20)));
        foreach (var url in new[] { hosts.Native.McpUrl, hosts.Workerd.McpUrl })
        {
            using var good = Request(url, new HostileRequests.HostileRequest(-1, "good", [("Accept", "application/json, text/event-stream"), ("Authorization", "Bearer " + PipelineHosts.ApiKey)],
                Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}"""), "application/json"));
            using var response = await _http.SendAsync(good);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Contains("\"tools\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private async Task<Answer[]> RunAsync(string url)
    {
        var answers = new Answer[Requests];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int seed;
            while ((seed = Interlocked.Increment(ref next)) < Requests)
            {
                var hostile = HostileRequests.Make(seed, PipelineHosts.ApiKey);
                using var request = Request(url, hostile);
                try
                {
                    using var response = await _http.SendAsync(request);
                    answers[seed] = new Answer(hostile.Kind, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
                }
                catch (HttpRequestException e)
                {
                    answers[seed] = new Answer(hostile.Kind, 0, null, "no answer: " + e.Message);
                }
            }
        }));
        return answers;
    }

    /// <summary>What is wrong with an answer, or null: a 5xx, no answer, or a JSON answer that is not JSON-RPC.</summary>
    private static string? Problem(Answer answer)
    {
        if (answer.Status is 0 or >= 500)
        {
            return $"{answer.Status} {Shorten(answer.Body)}";
        }

        if (answer.MediaType != "application/json" || answer.Body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            var messages = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
            return messages.All(m => m.TryGetProperty("jsonrpc", out var v) && v.ValueEquals("2.0") && (m.TryGetProperty("result", out _) || m.TryGetProperty("error", out _)))
                ? null
                : "a JSON answer that is not JSON-RPC: " + Shorten(answer.Body);
        }
        catch (JsonException)
        {
            return "an answer labelled JSON that does not parse: " + Shorten(answer.Body);
        }
    }

    private static HttpRequestMessage Request(string url, HostileRequests.HostileRequest hostile)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(hostile.Body) };
        if (hostile.ContentType.Length > 0)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType);
        }

        foreach (var (name, value) in hostile.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private readonly record struct Answer(string Kind, int Status, string? MediaType, string Body);
}
