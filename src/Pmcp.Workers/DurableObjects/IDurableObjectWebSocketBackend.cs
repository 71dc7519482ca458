using Pmcp.Workers.Http;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// One object's hibernatable WebSockets. Inside workerd the JS host holds the sockets (workerd keeps them open while the
/// object hibernates) and .NET names each by a handle valid in the isolate; natively the host keeps them in memory. The
/// public types (<see cref="DurableObjectState"/>, <see cref="DurableObjectWebSocket"/>) validate arguments first.
/// </summary>
internal interface IDurableObjectWebSocketBackend
{
    /// <summary>Accepts the upgrade request's WebSocket with <paramref name="tags"/>; returns its handle and the 101 answer.</summary>
    Task<(int Socket, Response Response)> AcceptAsync(Request request, string[] tags);

    /// <summary>The handles of the open sockets, all or those tagged <paramref name="tag"/>.</summary>
    int[] GetWebSockets(string? tag);

    /// <summary>The tags the socket was accepted with.</summary>
    string[] GetTags(int socket);

    /// <summary>Sends one whole message: text (UTF-8 bytes) or binary.</summary>
    Task SendAsync(int socket, bool text, ReadOnlyMemory<byte> bytes);

    /// <summary>Sends the close frame.</summary>
    Task CloseAsync(int socket, int code, string reason);

    /// <summary>The socket's attachment as JSON text, or null.</summary>
    string? GetAttachment(int socket);

    /// <summary>Replaces the socket's attachment (null removes it).</summary>
    void SetAttachment(int socket, string? json);

    /// <summary>Answers <paramref name="request"/> with <paramref name="response"/> without waking the object; both null: none.</summary>
    void SetAutoResponse(string? request, string? response);
}
