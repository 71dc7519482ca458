using System.Net.WebSockets;
using Pmcp.Workers;

namespace RoutesWorker;

/// <summary>
/// Inbound WebSockets (Router.WebSocket), for Pmcp.WorkerdTests' real WebSocket clients: an echo, a Worker that closes
/// first with a code, one whose handler throws, and one that sends after closing. How each session ended is logged.
/// </summary>
internal static class WebSocketProbe
{
    /// <summary>Sends every message back whole, with its type, until the client closes (answered with its own code).</summary>
    public static async Task EchoAsync(WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.Empty, result.CloseStatusDescription, CancellationToken.None);
                    Log.Info($"routes-worker ws: closed by the client with {(int?)result.CloseStatus}");
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    await socket.SendAsync(message.ToArray(), result.MessageType, endOfMessage: true, CancellationToken.None);
                    message.SetLength(0);
                }
            }
        }
        catch (WebSocketException e)
        {
            Log.Info($"routes-worker ws: the client went away: {e.WebSocketErrorCode}: {e.Message}");
        }
    }

    /// <summary>Says hello, then closes with <paramref name="code"/> and waits for the client's answer.</summary>
    public static async Task CloseFirstAsync(WebSocket socket, int code)
    {
        await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await socket.CloseAsync((WebSocketCloseStatus)code, "the Worker says bye", CancellationToken.None);
        Log.Info($"routes-worker ws: closed first with {code}, state {socket.State}");
    }

    public static async Task ThrowAsync(WebSocket socket)
    {
        await socket.SendAsync("about to fail"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        throw new InvalidOperationException("WebSocket handler failed on purpose");
    }

    /// <summary>Closes, then sends: the send must fail clearly (logged), and the request still ends.</summary>
    public static async Task SendAfterCloseAsync(WebSocket socket)
    {
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        try
        {
            await socket.SendAsync("too late"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            Log.Info("routes-worker ws after close: sent");
        }
        catch (Exception e)
        {
            Log.Info($"routes-worker ws after close: {e.GetType().Name}: {e.Message}");
        }
    }
}
