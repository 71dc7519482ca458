using Microsoft.Extensions.Logging;
using Pmcp.Server;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>How the native host logs a handler's exception: whole, with what the client was told instead.</summary>
internal static class HandlerFailureLog
{
    public static Action<Exception> To(ILogger logger) => e =>
    {
        if (e is ToolFailedException)
        {
            logger.LogError(e, "A tool failed; the client got an isError result without the message");
        }
        else
        {
            logger.LogError(e, "A handler failed; the client got -32603");
        }
    };
}
