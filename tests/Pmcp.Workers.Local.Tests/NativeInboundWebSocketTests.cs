using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Pmcp.Workers.Http;
using Pmcp.Workers.Local.Hosting;
using Pmcp.Workers.Routing;

namespace Pmcp.Workers.Local.Tests;

/// <summary>
/// Inbound WebSockets natively: a Router's WebSocket routes served by the native host (NativeMcpHost, as
/// <c>dev --native</c> runs a Worker), driven by real ClientWebSockets.
/// </summary>
public sealed class NativeInboundWebSocketTests : IAsyncLifetime
{
    private static readonly Router Routes = new Router()
        .Get("/health", (_, _) => Response.Ok("OK"))
        .WebSocket("/ws/echo", async (socket, _) =>
        {
            var buffer = new byte[4096];
            var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.Empty, result.CloseStatusDescription, CancellationToken.None);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    await socket.SendAsync(message.ToArray(), result.MessageType, true, CancellationToken.None);
                    message.SetLength(0);
                }
            }
        })
        .WebSocket("/ws/throw", async (socket, _) =>
        {
            await socket.SendAsync("about to fail"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            throw new InvalidOperationException("handler failed on purpose");
        });

    private WebApplication _app = null!;
    private string _base = "";

    public async Task InitializeAsync()
    {
        _app = NativeMcpHost.Build(Routes.RunAsync, new NativeHostOptions { Port = 0 });
        await _app.StartAsync();
        _base = NativeMcpHost.ListeningAddress(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EightClientsAtOnceEchoTextAndBinaryAndCloseCleanly()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var socket = await ConnectAsync("/ws/echo");
            var text = $"client {i} ✓";
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal(text, Encoding.UTF8.GetString(await ReceiveAsync(socket, WebSocketMessageType.Text)));

            var binary = new byte[10_000 + i];
            new Random(i).NextBytes(binary);
            await socket.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
            Assert.Equal(binary, await ReceiveAsync(socket, WebSocketMessageType.Binary));

            await socket.CloseAsync((WebSocketCloseStatus)(4000 + i), "client done", CancellationToken.None);
            Assert.Equal((WebSocketCloseStatus)(4000 + i), socket.CloseStatus);
        }));
    }

    [Fact]
    public async Task AHandlerThatThrowsClosesWith1011()
    {
        using var socket = await ConnectAsync("/ws/throw");
        Assert.Equal("about to fail", Encoding.UTF8.GetString(await ReceiveAsync(socket, WebSocketMessageType.Text)));

        var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, result.CloseStatus);
    }

    [Fact]
    public async Task AClientThatGoesAwayAbruptlyLeavesTheServerServing()
    {
        var socket = await ConnectAsync("/ws/echo");
        socket.Abort();
        socket.Dispose();

        using var http = new HttpClient();
        Assert.Equal("OK", await http.GetStringAsync(_base + "/health"));
        using var next = await ConnectAsync("/ws/echo");
        await next.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task APlainRequestToAWebSocketRouteIs426()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(_base + "/ws/echo");
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    private async Task<ClientWebSocket> ConnectAsync(string path)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri("ws" + _base["http".Length..] + path), CancellationToken.None);
        return socket;
    }

    private static async Task<byte[]> ReceiveAsync(WebSocket socket, WebSocketMessageType expected)
    {
        var message = new MemoryStream();
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(expected, result.MessageType);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return message.ToArray();
    }
}
