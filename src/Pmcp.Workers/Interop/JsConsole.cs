using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>console.log / console.warn / console.error inside workerd.</summary>
[SupportedOSPlatform("browser")]
internal static class JsConsole
{
    public static void Write(int level, string message) => JsHost.Log(level, message);
}
