using Microsoft.AspNetCore.Http;
using Pmcp.Workers.Http;
using Pmcp.Workers.WebSockets;

namespace Pmcp.Workers.Local.WebSockets;

/// <summary>
/// How the native host answers a Worker's <see cref="Response.WebSocket"/> on Kestrel (which needs
/// <c>app.UseWebSockets()</c>): instead of writing the response, accept the request's WebSocket and run the handler on it
/// until it returns (<see cref="WebSocketSession"/>: what it left open is closed with 1000, or 1011 when it threw).
/// </summary>
internal static class NativeWebSocketResponses
{
    /// <summary>True for a response made by <see cref="Response.WebSocket"/>.</summary>
    public static bool IsWebSocket(Response response) => response.WebSocketHandler is not null;

    public static Task RunAsync(HttpContext context, Response response) =>
        WebSocketSession.RunAsync(response, new KestrelWebSocketAcceptor(context), context.RequestAborted);
}
