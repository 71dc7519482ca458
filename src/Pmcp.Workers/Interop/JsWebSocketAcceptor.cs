using System.Net.WebSockets;
using System.Runtime.Versioning;
using Pmcp.Workers.WebSockets;

namespace Pmcp.Workers.Interop;

/// <summary>Inbound WebSockets inside workerd: a WebSocketPair made in the request's context, answered with 101.</summary>
[SupportedOSPlatform("browser")]
internal sealed class JsWebSocketAcceptor(int requestId) : IWebSocketAcceptor
{
    public async Task<WebSocket> AcceptAsync(string? subProtocol, CancellationToken cancellationToken)
    {
        try
        {
            var id = await HostOperations.RunAsync(op => JsWebSockets.Accept(requestId, op, subProtocol), cancellationToken).ConfigureAwait(false);
            return new JsWebSocket(requestId, id, "from the client");
        }
        catch (HostOperationException e)
        {
            throw new WebSocketException(WebSocketError.Faulted, $"Cannot accept the WebSocket: {e.Message}", e);
        }
    }
}
