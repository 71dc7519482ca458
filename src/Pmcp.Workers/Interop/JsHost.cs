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

    /// <summary>Hands the response to the host; the body is copied out before this returns.</summary>
    [JSImport("respond", Module)]
    public static partial void Respond(int requestId, string head, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> body);

    /// <summary>Starts a streamed response: the host answers the request now and feeds the body as chunks arrive.</summary>
    [JSImport("streamStart", Module)]
    public static partial void StreamStart(int requestId, string head);

    [JSImport("streamWrite", Module)]
    public static partial void StreamWrite(int requestId, [JSMarshalAs<JSType.MemoryView>] ArraySegment<byte> chunk);

    [JSImport("streamEnd", Module)]
    public static partial void StreamEnd(int requestId, string? error);

    [JSImport("waitUntil", Module)]
    public static partial void WaitUntil(int requestId, [JSMarshalAs<JSType.Promise<JSType.Void>>] Task task);

    [JSImport("log", Module)]
    public static partial void Log(int level, string message);
}
