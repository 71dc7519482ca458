using System.Net.Http.Headers;
using System.Text;
using Pmcp.Testing;
using Pmcp.Server;

namespace Pmcp.IntegrationTests;

/// <summary>In stateless MCP a client cancels by closing the response stream; the handler's token must fire.</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task ClosingTheStreamCancelsTheHandler()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mcp = McpServer.CreateBuilder("cancellation", "1.0.0")
            .Tool<string>("wait", "Waits until cancelled", async context =>
            {
                context.CancellationToken.Register(() => cancelled.TrySetResult());
                await context.ReportProgressAsync(0, 1, "waiting");
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return "never";
            })
            .Build();
        await using var server = await NativeServer.StartAsync(mcp);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.McpUrl)
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"wait","_meta":{"progressToken":"p"}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(new MediaTypeHeaderValue("text/event-stream"), response.Content.Headers.ContentType);
        var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[512];
        var read = await stream.ReadAsync(first);
        Assert.Contains("notifications/progress", Encoding.UTF8.GetString(first, 0, read), StringComparison.Ordinal);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        response.Dispose();

        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var after = await http.PostAsync(server.McpUrl, new StringContent("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", Encoding.UTF8, "application/json"));
        Assert.Equal("""{"jsonrpc":"2.0","id":2,"result":{}}""", await after.Content.ReadAsStringAsync());
    }
}
