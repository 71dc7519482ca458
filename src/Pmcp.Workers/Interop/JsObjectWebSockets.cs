using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Interop;

/// <summary>
/// One object's hibernatable WebSockets inside workerd. Nothing about a socket is kept in .NET: the JS host holds the
/// sockets (host/hibernation.mjs; workerd keeps them open while the object hibernates, and a fresh isolate finds them
/// again with <c>ctx.getWebSockets()</c>), their tags and their attachments, so an object evicted and re-created in a new
/// isolate loses nothing that this backend would have held.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsObjectWebSockets(int instance) : IDurableObjectWebSocketBackend
{
    public async Task<(int Socket, Response Response)> AcceptAsync(Request request, string[] tags)
    {
        var requestId = RequestId();
        var socket = await Run(op => JsHibernation.Accept(requestId, op, instance, tags)).ConfigureAwait(false);
        // The host answers the event with the client end it keeps for this request (worker-host.mjs: toResponse).
        return (socket, Response.Empty(101));
    }

    public int[] GetWebSockets(string? tag) => Call(() => JsHibernation.List(instance, tag));

    public string[] GetTags(int socket) => Call(() => JsHibernation.Tags(instance, socket));

    public Task SendAsync(int socket, bool text, ReadOnlyMemory<byte> bytes)
    {
        var requestId = RequestId();
        var array = bytes.ToArray();
        return Run(op => JsHibernation.Send(requestId, op, instance, socket, text, array));
    }

    public Task CloseAsync(int socket, int code, string reason)
    {
        var requestId = RequestId();
        return Run(op => JsHibernation.Close(requestId, op, instance, socket, code, reason));
    }

    public string? GetAttachment(int socket) => Call(() => JsHibernation.Attachment(instance, socket));

    public void SetAttachment(int socket, string? json) => Call(() =>
    {
        JsHibernation.SetAttachment(instance, socket, json);
        return 0;
    });

    public void SetAutoResponse(string? request, string? response)
    {
        if (JsHibernation.AutoResponse(RequestId(), instance, request, response) is { } refused)
        {
            throw new WorkerException("Cannot set the WebSocket auto-response: " + refused);
        }
    }

    private static int RequestId() => CurrentRequest.Id is var id and not 0
        ? id
        : throw new InvalidOperationException("A Durable Object's WebSockets are used from its events (FetchAsync, WebSocketMessageAsync, …), not from work no event started.");

    private static async Task<int> Run(Func<int, string?> submit)
    {
        try
        {
            return await HostOperations.RunAsync(submit, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            throw new WorkerException("WebSocket: " + e.Message, e);
        }
    }

    private static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (JSException e)
        {
            throw new WorkerException("WebSocket: " + e.Message, e);
        }
    }
}
