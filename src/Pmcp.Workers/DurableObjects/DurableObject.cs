using Pmcp.Workers.Http;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// A Durable Object: one instance per object id in the whole deployment, with its own transactional storage
/// (<see cref="State"/>), addressed from a Worker through a namespace binding
/// (<see cref="Env.DurableObject"/>). The runtime makes one C# instance per live object and sends it the object's events.
/// <para>
/// Concurrency: inside workerd, events of one object interleave only where workerd's input gates allow (while the object
/// waits on something other than its own storage); natively, an object runs one event at a time (docs/durable-objects.md).
/// </para>
/// Derive from it, keep a public parameterless constructor, and mark the class with <see cref="DurableObjectAttribute"/>.
/// </summary>
public abstract class DurableObject
{
    private DurableObjectState? _state;

    /// <summary>The object's id, storage and concurrency controls.</summary>
    /// <exception cref="InvalidOperationException">Used in the constructor, before the runtime has attached the object.</exception>
    public DurableObjectState State =>
        _state ?? throw new InvalidOperationException("A Durable Object's State is attached after its constructor; use it from FetchAsync (or a method it calls).");

    /// <summary>The Worker's environment for the event being handled: vars, secrets and bindings (other objects' namespaces too).</summary>
    /// <exception cref="InvalidOperationException">Read outside an event of this object.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Part of the object's API, as State is; the value is the event's.")]
    public Env Env => DurableObjectEvent.CurrentEnv
        ?? throw new InvalidOperationException("A Durable Object's Env belongs to the event being handled; read it while handling one (FetchAsync).");

    /// <summary>Handles a request sent to this object through a stub (<see cref="DurableObjectStub.FetchAsync(HttpRequestMessage, CancellationToken)"/>).</summary>
    /// <param name="request">The request as the stub sent it; <see cref="Request.Aborted"/> fires when the caller gives up.</param>
    /// <returns>The response the stub's caller receives.</returns>
    public abstract Task<Response> FetchAsync(Request request);

    /// <summary>
    /// Runs when the alarm set with <see cref="DurableObjectStorage.SetAlarmAsync"/> is due. Throwing has it run again
    /// later (<see cref="AlarmInfo.RetryCount"/> counts the runs that failed), with backoff, up to six times. The
    /// default does nothing.
    /// </summary>
    /// <param name="alarm">Whether this is a retry.</param>
    public virtual Task AlarmAsync(AlarmInfo alarm) => Task.CompletedTask;

    /// <summary>
    /// A client sent a message on a WebSocket this object accepted (<see cref="DurableObjectState.AcceptWebSocketAsync"/>).
    /// Each message is an event of its own, possibly in a fresh instance after hibernation: keep per-socket state in the
    /// socket's attachment, not in fields. The default does nothing.
    /// </summary>
    /// <param name="socket">The socket it came on; reply with <see cref="DurableObjectWebSocket.SendAsync(string)"/>.</param>
    /// <param name="message">The message, text or binary.</param>
    public virtual Task WebSocketMessageAsync(DurableObjectWebSocket socket, WebSocketMessage message) => Task.CompletedTask;

    /// <summary>
    /// A client closed a WebSocket this object accepted (or its connection was lost: <paramref name="wasClean"/> false,
    /// code 1006). The socket is no longer in <see cref="DurableObjectState.GetWebSockets"/>; its attachment can still be
    /// read here. The default does nothing (the runtime answers the close).
    /// </summary>
    /// <param name="socket">The socket.</param>
    /// <param name="code">The close code the client sent (1005 when it sent none).</param>
    /// <param name="reason">The reason it gave.</param>
    /// <param name="wasClean">Whether the close handshake completed.</param>
    public virtual Task WebSocketCloseAsync(DurableObjectWebSocket socket, int code, string reason, bool wasClean) => Task.CompletedTask;

    /// <summary>A WebSocket this object accepted failed (such as a message over the size limit). The default does nothing.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="message">What went wrong.</param>
    public virtual Task WebSocketErrorAsync(DurableObjectWebSocket socket, string message) => Task.CompletedTask;

    /// <summary>Called once, before the first event of this instance, with the object's state attached.</summary>
    internal void Attach(DurableObjectState state) => _state = state;
}
