using Microsoft.Extensions.Logging;
using Pmcp.Server;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// How the native host logs a handler's exception: as workerd's log does (<see cref="HandlerFailure.ToString"/>: its
/// type and stack frames, its message only when asked for), with what the client was told instead. The exception is
/// not handed to the logger, which would print its message.
/// </summary>
internal static class HandlerFailureLog
{
    public static Action<HandlerFailure> To(ILogger logger) => failure =>
        logger.LogError(
            "{Failure}; the client got {Answer}",
            failure.ToString(),
            failure.Method == "tools/call" ? "an isError result" : "JSON-RPC error -32603");
}
