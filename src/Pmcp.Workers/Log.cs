using Pmcp.Workers.Interop;

namespace Pmcp.Workers;

/// <summary>
/// Console logging that shows in <c>wrangler dev</c> and <c>wrangler tail</c> (the chapter's <c>console_log!</c>);
/// natively it goes to the process's stdout and stderr.
/// </summary>
public static class Log
{
    public static void Info(string message) => Write(0, message);

    public static void Warn(string message) => Write(1, message);

    public static void Error(string message) => Write(2, message);

    private static void Write(int level, string message)
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
