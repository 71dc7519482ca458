using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>What the JS host (host/worker-host.mjs) offers .NET, registered under the module name <c>pmcp-host</c>.</summary>
[SupportedOSPlatform("browser")]
internal static partial class JsHost
{
    public const string Module = "pmcp-host";

    /// <summary>A string value of the request's <c>env</c> (a var or secret), or null.</summary>
    [JSImport("envGet", Module)]
    public static partial string? EnvGet(int requestId, string name);

    /// <summary>Hands the response to the host and ends the request; the body is copied out before this returns.</summary>
    [JSImport("respond", Module)]
    public static partial void Respond(int requestId, string head, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> body);

    /// <summary>
    /// Reads the request's body, which the host leaves in workerd until asked (after the checks that need no body): the
    /// outcome delivers it (<see cref="WorkerExports.OperationDelivered"/>), or its value is 0 for an empty body, -1 when
    /// it grew past the Worker's limit. (Its room among the bodies in flight was reserved when the request arrived.)
    /// </summary>
    [JSImport("requestBody", Module)]
    public static partial string? RequestBody(int requestId, int operation);

    /// <summary>Starts a streamed response: the host answers the request now and feeds the body as chunks arrive.</summary>
    [JSImport("streamStart", Module)]
    public static partial void StreamStart(int requestId, string head);

    /// <summary>Queues a chunk (copied before this returns); true when the client is behind or gone.</summary>
    [JSImport("streamWrite", Module)]
    public static partial bool StreamWrite(int requestId, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> chunk);

    /// <summary>Waits for the client to take what was written: 0 when it has, 1 when it has gone (through OperationDone).</summary>
    [JSImport("streamDrain", Module)]
    public static partial string? StreamDrain(int requestId, int operation);

    /// <summary>Ends a streamed response (aborts it when <paramref name="error"/> is set) and the request.</summary>
    [JSImport("streamEnd", Module)]
    public static partial void StreamEnd(int requestId, string? error);

    /// <summary>
    /// The request has ended without <see cref="Respond"/> or <see cref="StreamEnd"/>: its answer failed, or it was a
    /// WebSocket whose handler has returned.
    /// </summary>
    [JSImport("done", Module)]
    public static partial void Done(int requestId);

    [JSImport("waitUntil", Module)]
    public static partial void WaitUntil(int requestId, [JSMarshalAs<JSType.Promise<JSType.Void>>] Task task);

    /// <summary>console.log/warn/error of <paramref name="message"/>, in the context of the request <paramref name="requestId"/> (0: wherever it runs).</summary>
    [JSImport("log", Module)]
    public static partial void Log(int level, string message, int requestId);

    /// <summary>What the request's <c>env[name]</c> is by its shape: "kv", "d1", "r2", "hyperdrive", or null.</summary>
    [JSImport("bindingKind", Module)]
    public static partial string? BindingKind(int requestId, string name);

    /// <summary>A Hyperdrive binding's connection string, host, port, user, password and database; null when absent.</summary>
    [JSImport("hyperdrive", Module)]
    public static partial string[]? Hyperdrive(int requestId, string name);

    /// <summary>
    /// An id of the Durable Object namespace <c>env[binding]</c>: <paramref name="how"/> is "name" (<c>idFromName</c>),
    /// "unique" (<c>newUniqueId</c>) or "string" (<c>idFromString</c>, which refuses another namespace's id). Returns the
    /// id's hex form; throws (a JSException) when the binding is missing or refuses.
    /// </summary>
    [JSImport("objectId", Module)]
    public static partial string ObjectId(int requestId, string binding, string how, string value);

    /// <summary>Ends a <c>blockConcurrencyWhile</c> the host opened ("do.block"), failed when <paramref name="error"/> is set.</summary>
    [JSImport("objectUnblock", Module)]
    public static partial void ObjectUnblock(int requestId, int block, string? error);

    /// <summary>
    /// Starts one operation on a binding (host/bindings.mjs) in the context of the request whose env holds it, and
    /// returns null, or why it cannot start. Arguments go as JSON (or as plain text for the operations that take one
    /// string); binary input as a view the host copies before it returns. The outcome delivers the result through
    /// <see cref="WorkerExports.OperationDelivered"/>: its JSON in UTF-8, or for <c>kv.get</c> the value's bytes.
    /// </summary>
    [JSImport("bindingCall", Module)]
    public static partial string? BindingCall(int requestId, int operation, string name, string kind, string arguments, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> payload);

    // Socket operations (host/sockets.mjs) start synchronously and return null, or why they cannot start; each one's
    // outcome arrives later through WorkerExports.OperationDone, reported from the owning request's context.

    /// <summary>Connects; the outcome's value is the socket's id.</summary>
    [JSImport("socketOpen", Module)]
    public static partial string? SocketOpen(int requestId, int operation, string host, int port);

    /// <summary>Sends the bytes (copied before this returns).</summary>
    [JSImport("socketWrite", Module)]
    public static partial string? SocketWrite(int requestId, int operation, int socket, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> bytes);

    /// <summary>The outcome delivers the next chunk (<see cref="WorkerExports.OperationDelivered"/>), or its value is 0 at the end.</summary>
    [JSImport("socketRead", Module)]
    public static partial string? SocketRead(int requestId, int operation, int socket);

    [JSImport("socketClose", Module)]
    public static partial string? SocketClose(int requestId, int operation, int socket);

    // Streamed R2 bodies (host/r2streams.mjs) work like socket operations: submitted synchronously, completed through
    // WorkerExports.OperationDone in the context of the request that owns the body or upload.

    /// <summary>Gets an object; the outcome's value is the body's id (0: no such key), its metadata is taken with <see cref="R2Result"/>.</summary>
    [JSImport("r2Get", Module)]
    public static partial string? R2Get(int requestId, int operation, string binding, string argumentsJson);

    /// <summary>The outcome delivers the body's next chunk (<see cref="WorkerExports.OperationDelivered"/>), or its value is 0 at the end.</summary>
    [JSImport("r2Read", Module)]
    public static partial string? R2Read(int requestId, int operation, int body);

    /// <summary>Starts a put of exactly <paramref name="length"/> bytes; the outcome's value is the upload's id.</summary>
    [JSImport("r2PutStart", Module)]
    public static partial string? R2PutStart(int requestId, int operation, string binding, string argumentsJson, double length);

    /// <summary>Sends the next bytes of an upload (copied before this returns).</summary>
    [JSImport("r2PutWrite", Module)]
    public static partial string? R2PutWrite(int requestId, int operation, int upload, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> bytes);

    /// <summary>Completes the upload, or aborts it when <paramref name="error"/> is set; on success its object is taken with <see cref="R2Result"/>.</summary>
    [JSImport("r2PutEnd", Module)]
    public static partial string? R2PutEnd(int requestId, int operation, int upload, string? error);

    /// <summary>Releases a body or upload before its end.</summary>
    [JSImport("r2Close", Module)]
    public static partial string? R2Close(int requestId, int operation, int id);

    /// <summary>The metadata JSON an <see cref="R2Get"/> or <see cref="R2PutEnd"/> left, once.</summary>
    [JSImport("r2Result", Module)]
    public static partial string? R2Result(int requestId, int id);
}
