using System.Globalization;
using System.Text.RegularExpressions;

namespace Pmcp.Cli.Analytics;

/// <summary>The <c>--since</c> of <c>deploy metrics</c>: a span back from now, written <c>90m</c>, <c>24h</c> or <c>7d</c>.</summary>
internal static partial class TimeWindow
{
    /// <summary>The longest span asked for at once: Cloudflare's Workers analytics answer at most a month per query.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(31);

    public static TimeSpan Parse(string text)
    {
        var match = Span().Match(text.Trim());
        if (!match.Success)
        {
            throw new CliException($"--since {text} is not a span: write a number and m, h or d, such as --since 90m, --since 24h or --since 7d.");
        }

        var count = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var span = match.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(count),
            "h" => TimeSpan.FromHours(count),
            _ => TimeSpan.FromDays(count),
        };
        return span > TimeSpan.Zero && span <= Longest
            ? span
            : throw new CliException($"--since {text} is out of range: Cloudflare answers for at most 31 days at a time (--since 31d), and the span must be above 0.");
    }

    [GeneratedRegex("^([0-9]{1,6})([mhd])\\z")]
    private static partial Regex Span();
}
