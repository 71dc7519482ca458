using System.Net.Http.Headers;
using System.Text;

namespace Pmcp.WorkerdTests;

/// <summary>
/// Mirrors <c>Pmcp.IntegrationTests.CancellationTests</c> in workerd: in stateless MCP a client cancels by going away,
/// and the tool's <c>CancellationToken</c> must fire (<c>request.signal</c>, on by default since compatibility date
/// 2026-11-17, or the event stream's reader being cancelled). The native host, serving the same project, is held to
/// the same.
/// </summary>
[Collection("pipeline")]
public sealed class CancellationInWorkerdTests(PipelineHosts hosts)
{
    private const int Calls = 8;

    [Theory]
    [InlineData("workerd")]
    [InlineData("native")]
    public async Task ClosingTheStreamCancelsTheHandler(string host)
    {
        var server = host == "workerd" ? hosts.Workerd : hosts.Native;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var before = await WaitsAsync(http, server.BaseAddress);

        // Eight calls at once, each streaming (progress first), then the client goes away from all of them.
        var responses = await Task.WhenAll(Enumerable.Range(0, Calls).Select(async i =>
        {
            var response = await http.SendAsync(Call(server.McpUrl, i, progress: true), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(new MediaTypeHeaderValue("text/event-stream"), response.Content.Headers.ContentType);
            var stream = await response.Content.ReadAsStreamAsync();
            var first = new byte[512];
            var read = await stream.ReadAsync(first);
            Assert.Contains("notifications/progress", Encoding.UTF8.GetString(first, 0, read), StringComparison.Ordinal);
            return response;
        }));
        await UntilAsync(http, server.BaseAddress, w => w.Started >= before.Started + Calls, "all calls started");

        foreach (var response in responses)
        {
            response.Dispose();
        }

        await UntilAsync(http, server.BaseAddress, w => w.Cancelled >= before.Cancelled + Calls, "every call's token fired");
        await StillServesAsync(http, server.McpUrl);
    }

    /// <summary>
    /// Natively only: wrangler dev's local proxy tells workerd about a client that left only when something is written
    /// to it, and nothing is before a plain JSON answer. On Cloudflare <c>request.signal</c> fires at once, and the JS host
    /// passes it on the same way as a cancelled event stream (the test above).
    /// </summary>
    [Fact]
    public async Task GoingAwayBeforeTheAnswerCancelsTheHandlerNatively()
    {
        var server = hosts.Native;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var before = await WaitsAsync(http, server.BaseAddress);

        // No progress: nothing is sent before the result, so only the request's own signal says the client went away.
        using var leave = new CancellationTokenSource();
        var calls = Enumerable.Range(0, Calls).Select(i => http.SendAsync(Call(server.McpUrl, i, progress: false), leave.Token)).ToArray();
        await UntilAsync(http, server.BaseAddress, w => w.Started >= before.Started + Calls, "all calls started");

        await leave.CancelAsync();
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        await UntilAsync(http, server.BaseAddress, w => w.Cancelled >= before.Cancelled + Calls, "every call's token fired");
        await StillServesAsync(http, server.McpUrl);
    }

    private static HttpRequestMessage Call(string url, int i, bool progress)
    {
        var meta = progress ? $$""","_meta":{"progressToken":"p{{i}}"}""" : "";
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":""" + i + ""","method":"tools/call","params":{"name":"wait","arguments":{}""" + meta + "}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PipelineHosts.ApiKey);
        return request;
    }

    /// <summary>How many <c>wait</c> calls the Worker has started, and how many of their tokens have fired.</summary>
    private static async Task<(int Started, int Cancelled)> WaitsAsync(HttpClient http, string baseAddress)
    {
        var parts = (await http.GetStringAsync(baseAddress + "/waits")).Split(' ');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task UntilAsync(HttpClient http, string baseAddress, Func<(int Started, int Cancelled), bool> done, string what)
    {
        // Generous: behind wrangler dev's proxy a client that left is noticed at the event stream's next keep-alive.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var waits = await WaitsAsync(http, baseAddress);
        while (!done(waits))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not yet {what} after 90 s: {waits.Started} started, {waits.Cancelled} cancelled");
            await Task.Delay(50);
            waits = await WaitsAsync(http, baseAddress);
        }
    }

    private static async Task StillServesAsync(HttpClient http, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("""{"jsonrpc":"2.0","id":99,"method":"ping"}""", Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PipelineHosts.ApiKey);
        using var after = await http.SendAsync(request);
        Assert.Equal("""{"jsonrpc":"2.0","id":99,"result":{}}""", await after.Content.ReadAsStringAsync());
    }
}
