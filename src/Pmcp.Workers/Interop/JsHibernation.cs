using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Durable Objects' hibernatable WebSockets inside workerd (host/hibernation.mjs). The host holds the sockets and names
/// each by a handle per object instance; what needs the object's I/O context (accept, send, close, forwarding an upgrade
/// to an object) is submitted as an operation of the calling request, the rest (lists, tags, attachments) is a plain call.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class JsHibernation
{
    /// <summary>Accepts the event's upgrade as a hibernatable socket with <paramref name="tags"/>; the outcome's value is its handle.</summary>
    [JSImport("objectWebSocketAccept", JsHost.Module)]
    public static partial string? Accept(int requestId, int operation, int instance, string[] tags);

    /// <summary>The handles of the object's open sockets, all or those tagged <paramref name="tag"/>.</summary>
    [JSImport("objectWebSockets", JsHost.Module)]
    [return: JSMarshalAs<JSType.Array<JSType.Number>>]
    public static partial int[] List(int instance, string? tag);

    /// <summary>The socket's tags.</summary>
    [JSImport("objectWebSocketTags", JsHost.Module)]
    public static partial string[] Tags(int instance, int socket);

    /// <summary>Sends one whole message (the bytes are copied before this returns).</summary>
    [JSImport("objectWebSocketSend", JsHost.Module)]
    public static partial string? Send(int requestId, int operation, int instance, int socket, bool text, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> bytes);

    /// <summary>Sends the close frame.</summary>
    [JSImport("objectWebSocketClose", JsHost.Module)]
    public static partial string? Close(int requestId, int operation, int instance, int socket, int code, string reason);

    /// <summary>The socket's attachment (JSON text), or null.</summary>
    [JSImport("objectWebSocketAttachment", JsHost.Module)]
    public static partial string? Attachment(int instance, int socket);

    /// <summary>Replaces the socket's attachment; null removes it.</summary>
    [JSImport("objectWebSocketSetAttachment", JsHost.Module)]
    public static partial void SetAttachment(int instance, int socket, string? json);

    /// <summary>Sets (or with nulls removes) the object's automatic answer, in the event's context.</summary>
    [JSImport("objectWebSocketAutoResponse", JsHost.Module)]
    public static partial string? AutoResponse(int requestId, int instance, string? request, string? response);

    /// <summary>
    /// Sends the calling request's upgrade to the object <paramref name="target"/> (<c>durable:BINDING/ID</c>): the
    /// outcome's value is 101 when the object accepted it (the host answers with its WebSocket), else its status, with
    /// its body delivered.
    /// </summary>
    [JSImport("objectForward", JsHost.Module)]
    public static partial string? Forward(int requestId, int operation, string target, string url, string[] headers);
}
