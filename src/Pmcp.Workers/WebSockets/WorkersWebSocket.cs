using System.Net.WebSockets;
using System.Runtime.Versioning;
using Pmcp.Workers.Interop;

namespace Pmcp.Workers.WebSockets;

/// <summary>
/// Outbound WebSockets from a Worker, one API for both hosts:
/// <code>
/// using var socket = await WorkersWebSocket.ConnectAsync(new Uri("wss://example.com/feed"), ct);
/// await socket.SendAsync("hello"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, ct);
/// var result = await socket.ReceiveAsync(buffer, ct);
/// await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
/// </code>
/// Inside workerd the socket is a <c>fetch()</c> with <c>Upgrade: websocket</c> whose WebSocket is accepted in the
/// calling request's context, and it belongs to that request: the request's end closes it (1001), so open one per
/// request. Natively it is a <see cref="ClientWebSocket"/>. Either way it is a <see cref="WebSocket"/>.
/// </summary>
public static class WorkersWebSocket
{
    /// <summary>Opens a WebSocket to a <c>ws://</c> or <c>wss://</c> URI.</summary>
    /// <exception cref="ArgumentException">The URI is relative or not ws/wss.</exception>
    /// <exception cref="WebSocketException">The connection failed or the server did not accept it (its status is in the message).</exception>
    public static Task<WebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken = default) =>
        ConnectAsync(uri, [], cancellationToken);

    /// <summary>Opens a WebSocket offering <paramref name="subProtocols"/>; the one the server chose is <see cref="WebSocket.SubProtocol"/>.</summary>
    public static async Task<WebSocket> ConnectAsync(Uri uri, IReadOnlyList<string> subProtocols, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(subProtocols);
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("ws" or "wss"))
        {
            throw new ArgumentException($"A WebSocket URI is absolute and starts with ws:// or wss://, not '{uri}'.", nameof(uri));
        }

        try
        {
            return OperatingSystem.IsBrowser()
                ? await ConnectInWorkerdAsync(uri, subProtocols, cancellationToken).ConfigureAwait(false)
                : await ConnectNativelyAsync(uri, subProtocols, cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            throw new WebSocketException(WebSocketError.Faulted, $"Cannot open a WebSocket to {uri}: {e.Message}", e);
        }
        catch (WebSocketException e)
        {
            throw new WebSocketException(e.WebSocketErrorCode, $"Cannot open a WebSocket to {uri}: {e.Message}", e);
        }
    }

    [SupportedOSPlatform("browser")]
    private static async Task<WebSocket> ConnectInWorkerdAsync(Uri uri, IReadOnlyList<string> subProtocols, CancellationToken cancellationToken)
    {
        var requestId = CurrentRequest.Id;
        if (requestId == 0)
        {
            throw new InvalidOperationException("A WebSocket was opened outside a request (at startup, or from work no request started). Inside workerd a WebSocket belongs to a request: open it from a request handler or a tool, or from work passed to Context.WaitUntil.");
        }

        var protocols = subProtocols.ToArray();
        var id = await HostOperations.RunAsync(op => JsWebSockets.Connect(requestId, op, uri.AbsoluteUri, protocols), cancellationToken).ConfigureAwait(false);
        return new JsWebSocket(requestId, id, "to " + uri.GetLeftPart(UriPartial.Path));
    }

    [UnsupportedOSPlatform("browser")]
    private static async Task<WebSocket> ConnectNativelyAsync(Uri uri, IReadOnlyList<string> subProtocols, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            foreach (var protocol in subProtocols)
            {
                socket.Options.AddSubProtocol(protocol);
            }

            await socket.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
