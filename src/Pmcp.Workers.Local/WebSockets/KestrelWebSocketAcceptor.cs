using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Pmcp.Workers.WebSockets;

namespace Pmcp.Workers.Local.WebSockets;

/// <summary>Inbound WebSockets natively: Kestrel's <c>HttpContext.WebSockets.AcceptWebSocketAsync</c>.</summary>
internal sealed class KestrelWebSocketAcceptor(HttpContext context) : IWebSocketAcceptor
{
    public Task<WebSocket> AcceptAsync(string? subProtocol, CancellationToken cancellationToken)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw new WebSocketException(WebSocketError.NotAWebSocket, "Cannot accept a WebSocket: the request is not a WebSocket upgrade (Upgrade: websocket).");
        }

        return context.WebSockets.AcceptWebSocketAsync(subProtocol);
    }
}
