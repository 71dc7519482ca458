using System.Net;
using System.Net.WebSockets;
using System.Text;
using Pmcp.Testing;
using Pmcp.Workers.Contract;

namespace Pmcp.WorkerdTests;

/// <summary>
/// WebSockets inside workerd, both ways. Outbound: each of Pmcp.Workers.Contract's WebSocketCases runs in
/// tests/Workers/BindingsWorker (POST /websocket/{name}) against the test API's WebSocket endpoints, which this class
/// starts; Pmcp.Workers.Contract.Tests runs the same cases natively. Inbound: real ClientWebSockets against
/// tests/Workers/RoutesWorker's Router.WebSocket routes, many at once.
/// </summary>
[Collection("workerd")]
public sealed class WebSocketsInWorkerdTests(WorkerdFixture workers) : IAsyncLifetime, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private HttpTestServer _server = null!;

    public static TheoryData<string> Cases => new(WebSocketCases.All.Keys);

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OutboundInWorkerd(string name)
    {
        var (status, body) = await PostAsync("/websocket/" + name);
        Assert.True(body == "pass", $"{name} in workerd: {status} {body}");

        // Whatever the case did (a refused connection, a dropped peer), the Worker keeps serving.
        Assert.Equal("OK", await _http.GetStringAsync(workers.Bindings.BaseAddress + "/health"));
    }

    [Fact]
    public async Task SixteenRequestsAtOnceEachWithTheirOwnOutboundWebSockets()
    {
        // Each request's WebSocket belongs to its own I/O context; overlapping requests must never cross them.
        var names = new[] { "websocket.echo_text_and_binary", "websocket.many_messages", "websocket.large_message_in_parts", "websocket.server_closes_with_code" };
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i => (Name: names[i % names.Length], Answer: await PostAsync("/websocket/" + names[i % names.Length]))));

        var failures = results.Where(r => r.Answer.Body != "pass").Select(r => $"{r.Name}: {r.Answer.Status} {r.Answer.Body}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 16 failed:\n" + string.Join("\n", failures));
        Assert.DoesNotContain("Cannot perform I/O on behalf of a different request", workers.Bindings.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebSocketUsedAfterItsRequestEndedFailsClearly()
    {
        Assert.Equal((200, "kept"), await PostAsync("/websocket-keep"));

        var (_, answer) = await PostAsync("/websocket-use-kept");
        Assert.StartsWith("WebSocketException:", answer, StringComparison.Ordinal);
        Assert.Contains("has ended", answer, StringComparison.Ordinal);
        Assert.Equal("OK", await _http.GetStringAsync(workers.Bindings.BaseAddress + "/health"));
    }

    [Fact]
    public async Task TheWorkerListsTheSameCases()
    {
        var listed = await _http.GetStringAsync(workers.Bindings.BaseAddress + "/websocket");

        Assert.Equal(WebSocketCases.All.Keys, listed.Split('\n'));
    }

    [Fact]
    public async Task EightClientsAtOnceEchoTextAndBinaryAndCloseCleanly()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var socket = await ConnectAsync("/ws/echo");
            for (var round = 0; round < 5; round++)
            {
                var text = $"client {i} round {round} ✓";
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
                var (type, bytes) = await ReceiveAsync(socket);
                Assert.Equal(WebSocketMessageType.Text, type);
                Assert.Equal(text, Encoding.UTF8.GetString(bytes));

                var binary = new byte[20_000 + i];
                new Random(i * 10 + round).NextBytes(binary);
                await socket.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
                (type, bytes) = await ReceiveAsync(socket);
                Assert.Equal(WebSocketMessageType.Binary, type);
                Assert.Equal(binary, bytes);
            }

            await socket.CloseAsync((WebSocketCloseStatus)(4000 + i), "client done", CancellationToken.None);
            Assert.Equal(WebSocketState.Closed, socket.State);
            Assert.Equal((WebSocketCloseStatus)(4000 + i), socket.CloseStatus);
            Assert.Equal("client done", socket.CloseStatusDescription);
        }));

        Assert.True(await workers.Routes.OutputContainsAsync("routes-worker ws: closed by the client with 4007", TimeSpan.FromSeconds(30)), workers.Routes.Output);
        Assert.Equal("OK", await _http.GetStringAsync(workers.Routes.BaseAddress + "/health"));
    }

    [Fact]
    public async Task TheWorkerClosesFirstWithItsCode()
    {
        using var socket = await ConnectAsync("/ws/close/4100");
        var (_, hello) = await ReceiveAsync(socket);
        Assert.Equal("hello", Encoding.UTF8.GetString(hello));

        var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((WebSocketCloseStatus)4100, result.CloseStatus);
        Assert.Equal("the Worker says bye", result.CloseStatusDescription);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.True(await workers.Routes.OutputContainsAsync("routes-worker ws: closed first with 4100, state Closed", TimeSpan.FromSeconds(30)), workers.Routes.Output);
    }

    [Fact]
    public async Task AHandlerThatThrowsClosesWith1011AndTheWorkerKeepsServing()
    {
        using var socket = await ConnectAsync("/ws/throw");
        var (_, first) = await ReceiveAsync(socket);
        Assert.Equal("about to fail", Encoding.UTF8.GetString(first));

        var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, result.CloseStatus);
        Assert.True(await workers.Routes.OutputContainsAsync("WebSocket handler failed on purpose", TimeSpan.FromSeconds(30)), workers.Routes.Output);
        Assert.Equal("OK", await _http.GetStringAsync(workers.Routes.BaseAddress + "/health"));
    }

    [Fact]
    public async Task AClientThatGoesAwayAbruptlyEndsTheHandlerAndTheWorkerKeepsServing()
    {
        var socket = await ConnectAsync("/ws/echo");
        await socket.SendAsync("then gone"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await ReceiveAsync(socket);
        socket.Abort(); // the TCP connection drops without a close frame
        socket.Dispose();

        Assert.True(await workers.Routes.OutputContainsAsync("routes-worker ws: the client went away", TimeSpan.FromSeconds(30)), workers.Routes.Output);

        // The next client is served as usual.
        using var next = await ConnectAsync("/ws/echo");
        await next.SendAsync("still here"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("still here", Encoding.UTF8.GetString((await ReceiveAsync(next)).Bytes));
        await next.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task AMessageSentAfterCloseFailsClearlyInTheHandler()
    {
        using var socket = await ConnectAsync("/ws/send-after-close");
        var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.True(await workers.Routes.OutputContainsAsync("routes-worker ws after close: WebSocketException: Cannot send a message", TimeSpan.FromSeconds(30)), workers.Routes.Output);
    }

    [Fact]
    public async Task APlainRequestToAWebSocketRouteIs426()
    {
        using var response = await _http.GetAsync(workers.Routes.BaseAddress + "/ws/echo");

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("connect with a WebSocket client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<ClientWebSocket> ConnectAsync(string path)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri("ws" + workers.Routes.BaseAddress["http".Length..] + path), CancellationToken.None);
        return socket;
    }

    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(WebSocket socket)
    {
        var message = new MemoryStream();
        var buffer = new byte[8192];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return (result.MessageType, message.ToArray());
    }

    private async Task<(int Status, string Body)> PostAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, workers.Bindings.BaseAddress + path);
        request.Headers.Add("X-Fetch-Server", _server.BaseAddress);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
