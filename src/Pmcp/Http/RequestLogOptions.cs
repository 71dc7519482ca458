using System.Globalization;

namespace Pmcp.Http;

/// <summary>
/// The structured request log: one JSON line per JSON-RPC message handled, written when it ends, with its method, the
/// tool's, prompt's or resource's name, its id, outcome, duration, protocol revision, the request's id (and
/// <c>cf-ray</c>) and the client's trace id. Never argument values, results, tokens, keys or error messages.
/// </summary>
public sealed record RequestLogOptions
{
    /// <summary>The var that sets <see cref="Level"/> on Workers and natively: <c>off</c>, <c>errors</c> or <c>all</c>.</summary>
    public const string LevelVar = "PMCP_REQUEST_LOG";

    /// <summary>The var that sets <see cref="OkSampleRate"/>: a number from 0 to 1.</summary>
    public const string SampleRateVar = "PMCP_REQUEST_LOG_SAMPLE_RATE";

    /// <summary>The var that sets <see cref="ArgumentNames"/>: <c>true</c> or <c>false</c>.</summary>
    public const string ArgumentNamesVar = "PMCP_REQUEST_LOG_ARGUMENT_NAMES";

    /// <summary>Which messages write a line.</summary>
    public RequestLogLevel Level { get; init; } = RequestLogLevel.All;

    /// <summary>The share (0 to 1) of <c>ok</c> lines written at <see cref="RequestLogLevel.All"/>; lines of errors are always written.</summary>
    public double OkSampleRate
    {
        get;
        init => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The sample rate is a share from 0 to 1.");
    } = 1;

    /// <summary>
    /// Adds the names (never the values) of a <c>tools/call</c>'s arguments to its line, for debugging a client that
    /// sends the wrong ones. Off by default.
    /// </summary>
    public bool ArgumentNames { get; init; }

    /// <summary>
    /// Where the lines go: the line, and whether it reports an error. Null: standard output. The Workers runtime sets
    /// its console (<c>console.log</c>, in the request's own context), so Workers Logs indexes the line's fields.
    /// </summary>
    public Action<string, bool>? Writer { get; init; }

    /// <summary>No request lines.</summary>
    public static RequestLogOptions Off { get; } = new() { Level = RequestLogLevel.Off };

    /// <summary>Reads a level as the var spells it (<c>off</c>, <c>errors</c>, <c>all</c>; any case, spaces ignored).</summary>
    /// <param name="text">The var's value.</param>
    /// <param name="level">The level read, or <see cref="RequestLogLevel.Off"/>.</param>
    /// <returns>True when <paramref name="text"/> names a level.</returns>
    public static bool TryParseLevel(string? text, out RequestLogLevel level)
    {
        level = RequestLogLevel.Off;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "off" or "none" or "false":
                return true;
            case "errors" or "error":
                level = RequestLogLevel.Errors;
                return true;
            case "all" or "true":
                level = RequestLogLevel.All;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads a sample rate as the var spells it: a number from 0 to 1.</summary>
    /// <param name="text">The var's value.</param>
    /// <param name="rate">The rate read, or 1.</param>
    /// <returns>True when <paramref name="text"/> is a number from 0 to 1.</returns>
    public static bool TryParseSampleRate(string? text, out double rate)
    {
        rate = 1;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || parsed is < 0 or > 1 || double.IsNaN(parsed))
        {
            return false;
        }

        rate = parsed;
        return true;
    }
}
