using System.Globalization;
using System.Text.Json;

namespace Pmcp.Workers.Postgres;

/// <summary>
/// A parameter as the text PostgreSQL parses (every parameter goes in text format with its type left to the server,
/// as node-postgres does): the server reads it as whatever type its place in the statement needs.
/// </summary>
internal static class PgParameters
{
    public static string? ToText(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        char c => c.ToString(),
        sbyte or byte or short or ushort or int or uint or long or ulong or decimal => Convert.ToString(value, CultureInfo.InvariantCulture),
        double d => Float(d),
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : Float(f),
        Guid g => g.ToString("D"),
        DateTimeOffset o => o.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        DateTime t => t.ToString(t.Kind == DateTimeKind.Utc ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeSpan span => Interval(span),
        byte[] bytes => Bytea(bytes),
        ReadOnlyMemory<byte> memory => Bytea(memory.Span),
        Memory<byte> memory => Bytea(memory.Span),
        JsonElement element => element.GetRawText(),
        JsonDocument document => document.RootElement.GetRawText(),
        Enum e => e.ToString(),
        _ => throw new WorkerException(
            $"PostgreSQL cannot bind a {value.GetType().Name}; bind null, strings, numbers, bools, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly, TimeSpan, byte arrays or JsonElement."),
    };

    private static string Float(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>bytea's hex form, <c>\x0aff…</c>.</summary>
    private static string Bytea(ReadOnlySpan<byte> bytes) => @"\x" + Convert.ToHexStringLower(bytes);

    /// <summary>An ISO 8601 duration with signed fields (<c>P-1DT-2H-3M-4.5S</c>), which interval reads exactly.</summary>
    private static string Interval(TimeSpan span)
    {
        var seconds = (decimal)(span.Ticks % TimeSpan.TicksPerMinute) / TimeSpan.TicksPerSecond;
        return string.Create(CultureInfo.InvariantCulture, $"P{span.Days}DT{span.Hours}H{span.Minutes}M{seconds}S");
    }
}
