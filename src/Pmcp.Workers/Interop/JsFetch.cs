using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Outbound fetch() for <see cref="Http.WorkersHttpHandler"/> (host/fetch.mjs). Like socket operations, each one is
/// submitted synchronously (null, or why it cannot start), runs in the context of the request that made it, and reports
/// its outcome through <see cref="WorkerExports.OperationDone"/>; a fetch is named by a key .NET chooses.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class JsFetch
{
    /// <summary>
    /// Starts the fetch. <paramref name="headers"/> are name, value, …; <paramref name="bodyKind"/> 0: no body, 1: the bytes
    /// of <paramref name="body"/> (copied before this returns), 2: streamed with <see cref="Write"/>, 3: the same with
    /// exactly <paramref name="length"/> bytes. <paramref name="cf"/>: Workers' cf options as JSON, or null. <paramref name="binding"/>: the
    /// service binding to send it through (another Worker), or null for the Internet. The outcome's value is the status; the rest is taken
    /// with <see cref="Head"/>.
    /// </summary>
    [JSImport("fetchStart", JsHost.Module)]
    public static partial string? Start(int requestId, int operation, int key, string method, string url, string[] headers, string redirect, int bodyKind, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> body, double length, string? cf, string? binding);

    /// <summary>Status text, final URL, "1" when redirected, then header names and values; null when the fetch is gone.</summary>
    [JSImport("fetchHead", JsHost.Module)]
    public static partial string[]? Head(int requestId, int key);

    /// <summary>Sends the next bytes of a streamed request body (copied before this returns).</summary>
    [JSImport("fetchWrite", JsHost.Module)]
    public static partial string? Write(int requestId, int operation, int key, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> chunk);

    /// <summary>Ends a streamed request body, or aborts it when <paramref name="error"/> is set.</summary>
    [JSImport("fetchWriteEnd", JsHost.Module)]
    public static partial string? WriteEnd(int requestId, int operation, int key, string? error);

    /// <summary>The outcome delivers the body's next chunk (<see cref="WorkerExports.OperationDelivered"/>), or its value is 0 at its end.</summary>
    [JSImport("fetchRead", JsHost.Module)]
    public static partial string? Read(int requestId, int operation, int key);

    /// <summary>Aborts the fetch and drops what is left of its body.</summary>
    [JSImport("fetchClose", JsHost.Module)]
    public static partial void Close(int requestId, int key);
}
