using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// WebSockets inside workerd (host/websockets.mjs). Like socket operations, each is submitted synchronously (null, or
/// why it cannot start), runs in the context of the request that owns the WebSocket, and reports its outcome through
/// <see cref="WorkerExports.OperationDone"/>.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class JsWebSockets
{
    /// <summary>Opens a WebSocket (fetch with <c>Upgrade: websocket</c>, then accept()); the outcome's value is its id.</summary>
    [JSImport("webSocketConnect", JsHost.Module)]
    public static partial string? Connect(int requestId, int operation, string url, string[] protocols);

    /// <summary>Answers the request with a WebSocket (a WebSocketPair); the outcome's value is the server end's id.</summary>
    [JSImport("webSocketAccept", JsHost.Module)]
    public static partial string? Accept(int requestId, int operation, string? protocol);

    /// <summary>The subprotocol in use ("" for none).</summary>
    [JSImport("webSocketProtocol", JsHost.Module)]
    public static partial string Protocol(int requestId, int socket);

    /// <summary>Sends one whole message (copied before this returns): text when <paramref name="text"/>, the bytes being UTF-8.</summary>
    [JSImport("webSocketSend", JsHost.Module)]
    public static partial string? Send(int requestId, int operation, int socket, bool text, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> bytes);

    /// <summary>
    /// The outcome delivers the message (<see cref="WorkerExports.OperationDelivered"/>) with its kind as the value: 1
    /// text, 2 binary, 3 close (the bytes are then the code, 2 bytes big-endian, and the reason in UTF-8).
    /// </summary>
    [JSImport("webSocketReceive", JsHost.Module)]
    public static partial string? Receive(int requestId, int operation, int socket);

    /// <summary>Sends the close frame; <paramref name="code"/> 0 sends none.</summary>
    [JSImport("webSocketClose", JsHost.Module)]
    public static partial string? Close(int requestId, int operation, int socket, int code, string? reason);

    /// <summary>Forgets the WebSocket, closing it with 1001 if it is still open; nothing to wait for.</summary>
    [JSImport("webSocketRelease", JsHost.Module)]
    public static partial void Release(int requestId, int socket);
}
