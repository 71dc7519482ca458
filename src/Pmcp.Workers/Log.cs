using Pmcp.Workers.Interop;

namespace Pmcp.Workers;

/// <summary>
/// Console logging that shows in <c>wrangler dev</c> and <c>wrangler tail</c> (workers-rs's <c>console_log!</c>);
/// natively it goes to the process's stdout and stderr.
/// </summary>
public static class Log
{
    /// <summary>Writes an informational line (<c>console.log</c>; stdout natively).</summary>
    /// <param name="message">The text to write; keep secrets out of it.</param>
    public static void Info(string message) => Write(0, message);

    /// <summary>Writes a warning (<c>console.warn</c>; stderr natively).</summary>
    /// <param name="message">The text to write; keep secrets out of it.</param>
    public static void Warn(string message) => Write(1, message);

    /// <summary>Writes an error (<c>console.error</c>; stderr natively).</summary>
    /// <param name="message">The text to write; keep secrets out of it.</param>
    public static void Error(string message) => Write(2, message);

    /// <summary>
    /// A structured request line (<see cref="Pmcp.Http.RequestLogOptions"/>): JSON, written as it is (Workers Logs
    /// indexes its fields), with <c>console.error</c> for an error's line.
    /// </summary>
    internal static void RequestLine(string line, bool isError) => WriteLine(isError ? 2 : 0, line);

    private static void Write(int level, string message)
    {
        // Within a request whose lines are logged, the user's lines carry its id too.
        WriteLine(level, LogScope.Prefix is { } prefix ? prefix + message : message);
    }

    private static void WriteLine(int level, string message)
    {
        if (OperatingSystem.IsBrowser())
        {
            JsConsole.Write(level, message);
        }
        else if (level == 0)
        {
            Console.Out.WriteLine(message);
        }
        else
        {
            Console.Error.WriteLine(message);
        }
    }
}
