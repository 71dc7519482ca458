using System.Net.WebSockets;

namespace Pmcp.Workers.WebSockets;

/// <summary>
/// What a host does to answer a request with a WebSocket (<see cref="Http.Response.WebSocket"/>): inside workerd a
/// WebSocketPair whose client end is the 101 response; natively Kestrel's
/// <c>HttpContext.WebSockets.AcceptWebSocketAsync</c>. <see cref="WebSocketSession"/> runs the handler on what it accepts.
/// </summary>
internal interface IWebSocketAcceptor
{
    /// <summary>Completes the handshake (choosing <paramref name="subProtocol"/> when set) and returns the server's end.</summary>
    Task<WebSocket> AcceptAsync(string? subProtocol, CancellationToken cancellationToken);
}
