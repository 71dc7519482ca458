using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>Reads the <c>env</c> object that workerd passed to the request's <c>fetch</c>.</summary>
[SupportedOSPlatform("browser")]
internal sealed class JsEnvSource(int requestId) : IEnvSource
{
    public string? GetString(string name) => JsHost.EnvGet(requestId, name);
}
