using Microsoft.Extensions.Logging;
using Pmcp.Server;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// How the native host logs a handler's exception: as workerd's log does (<see cref="HandlerFailure.ToString"/>: its
/// type and stack frames, its message only when asked for), with what the client was told instead. The exception is
/// not handed to the logger, which would print its message. Within a request whose lines are logged it starts with the
/// request's id (and cf-ray), as the user's <c>Log</c> lines and, in workerd, this line do (<see cref="Log"/>).
/// </summary>
internal static class HandlerFailureLog
{
    public static Action<HandlerFailure> To(ILogger logger) => failure =>
        logger.LogError(
            "{Scope}{Failure}; the client got {Answer}",
            LogScope.Prefix ?? "",
            failure.ToString(),
            failure.Method == "tools/call" ? "an isError result" : "JSON-RPC error -32603");
}
