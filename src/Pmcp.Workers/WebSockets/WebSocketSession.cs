using System.Net.WebSockets;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.WebSockets;

/// <summary>
/// Runs a WebSocket response's handler in either host: accepts the socket through the host's
/// <see cref="IWebSocketAcceptor"/>, runs the handler, and closes what the handler left open: with 1000 when it
/// returned, with 1011 (and a log line) when it threw. The request lasts until then.
/// </summary>
internal static class WebSocketSession
{
    public static async Task RunAsync(Response response, IWebSocketAcceptor acceptor, CancellationToken cancellationToken = default)
    {
        var handler = response.WebSocketHandler ?? throw new ArgumentException("The response is not a WebSocket response.", nameof(response));
        using var socket = await acceptor.AcceptAsync(response.WebSocketProtocol, cancellationToken).ConfigureAwait(false);
        var status = WebSocketCloseStatus.NormalClosure;
        var description = "";
        try
        {
            await handler(socket).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Error($"A WebSocket handler failed: {e.GetType().Name}: {e.Message}");
            status = WebSocketCloseStatus.InternalServerError;
            description = "the Worker's WebSocket handler failed";
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(status, description, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The client went away meanwhile: there is nobody left to tell.
            }
        }
    }
}
