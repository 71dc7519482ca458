using Microsoft.Extensions.Logging;
using Pmcp.Server;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>How the native host logs a handler's exception: whole, with what the client was told instead.</summary>
internal static class HandlerFailureLog
{
    public static Action<HandlerFailure> To(ILogger logger) => failure =>
        logger.LogError(
            failure.Exception,
            "{Failure}; the client got {Answer}",
            failure.Summary,
            failure.Method == "tools/call" ? "an isError result" : "JSON-RPC error -32603");
}
