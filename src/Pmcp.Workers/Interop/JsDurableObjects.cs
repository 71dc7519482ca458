using System.Runtime.Versioning;
using Pmcp.Workers.DurableObjects;
using Pmcp.Workers.Http;

namespace Pmcp.Workers.Interop;

/// <summary>
/// The Durable Object instances living in this isolate, by the number the JS host gave each when workerd constructed
/// it (host/worker-host.mjs: <c>durableObjectClass</c>). workerd decides when an object lives and goes: a C# instance is
/// made at its JS instance's first event and forgotten when the host reports the JS instance collected
/// (<see cref="WorkerExports.ObjectReleased"/>), so a re-created object starts afresh as it does in JavaScript.
/// </summary>
[SupportedOSPlatform("browser")]
internal static class JsDurableObjects
{
    // One thread inside workerd; the lock keeps the table sound should that change.
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, DurableObject> Instances = [];

    /// <summary>An event of the object: a request (<paramref name="alarmRetry"/> -1), or its alarm (the retry count): 204 when the handler returned.</summary>
    public static async Task<Response> FetchAsync(int instance, string className, string id, string? name, int alarmRetry, Request request, Env env)
    {
        var target = Instance(instance, className, id, name);

        // No .NET lock: workerd's input gates already decide when another event of this object may run.
        if (alarmRetry < 0)
        {
            return await DurableObjectEvent.RunAsync(target, className + "/" + id, request, env).ConfigureAwait(false);
        }

        // A failure becomes the 500 the host turns into a thrown alarm(), which workerd retries.
        await DurableObjectEvent.RunAlarmAsync(target, className + "/" + id, new AlarmInfo(alarmRetry), env).ConfigureAwait(false);
        return Response.Empty(204);
    }

    /// <summary>
    /// A WebSocket event of the object (host/worker-host.mjs: <c>socketEvent</c>): <paramref name="kind"/> 1 a text
    /// message, 2 a binary one (<paramref name="body"/>), 3 a close (<paramref name="code"/>, <paramref name="reason"/>,
    /// <paramref name="wasClean"/>), 4 an error (<paramref name="reason"/> says what). 204 when the handler returned.
    /// </summary>
    public static async Task<Response> WebSocketEventAsync(int instance, string className, string id, string? name, int kind, int socket, int code, string reason, bool wasClean, ReadOnlyMemory<byte> body, Env env)
    {
        var target = Instance(instance, className, id, name);
        var webSocket = new DurableObjectWebSocket(socket, target.State.WebSocketsBackend!);
        await DurableObjectEvent.RunWebSocketAsync(target, className + "/" + id, env, kind switch
        {
            1 or 2 => o => o.WebSocketMessageAsync(webSocket, new WebSocketMessage(kind == 1, body)),
            3 => o => o.WebSocketCloseAsync(webSocket, code, reason, wasClean),
            _ => o => o.WebSocketErrorAsync(webSocket, reason),
        }).ConfigureAwait(false);
        return Response.Empty(204);
    }

    private static DurableObject Instance(int instance, string className, string id, string? name)
    {
        lock (Gate)
        {
            if (!Instances.TryGetValue(instance, out var target))
            {
                target = DurableObjectClasses.Create(className, new DurableObjectState(new DurableObjectId(id, name), new JsObjectStorage(instance), new JsObjectWebSockets(instance)));
                Instances[instance] = target;
            }

            return target;
        }
    }

    public static void Release(int instance)
    {
        lock (Gate)
        {
            Instances.Remove(instance);
        }
    }
}
