using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// console.log / console.warn / console.error inside workerd, in the context of the request the running code belongs
/// to (<see cref="CurrentRequest"/>): a continuation of request A may run in a timer request B armed, and a line
/// written there would show among B's logs in <c>wrangler tail</c> and Workers Logs.
/// </summary>
[SupportedOSPlatform("browser")]
internal static class JsConsole
{
    public static void Write(int level, string message) => JsHost.Log(level, message, CurrentRequest.Id);
}
