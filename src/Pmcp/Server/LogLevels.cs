using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>The wire names of <see cref="LoggingLevel"/>.</summary>
internal static class LogLevels
{
    private static readonly string[] Names = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

    public static string ToWire(LoggingLevel level) => Names[(int)level];

    public static bool TryParse(string? name, out LoggingLevel level)
    {
        var i = Array.IndexOf(Names, name);
        level = i < 0 ? default : (LoggingLevel)i;
        return i >= 0;
    }
}
