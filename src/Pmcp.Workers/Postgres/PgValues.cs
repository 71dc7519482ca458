using System.Buffers.Text;
using System.Text.Json;

namespace Pmcp.Workers.Postgres;

/// <summary>
/// Turns a column's text (results come in text format) into JSON by its type, so rows deserialize into records:
/// bool → true/false; int2/4/8, oid → integers; float4/8 and numeric → numbers (numeric keeps every digit; NaN and
/// infinities, which JSON cannot hold, become strings); json/jsonb → nested JSON; bytea → base64 (a byte[] property
/// reads it); timestamp/timestamptz → ISO 8601 (<c>2024-05-01T12:00:00+00:00</c>, so DateTime/DateTimeOffset read
/// them); everything else — text, varchar, uuid, date, time, interval, arrays — the server's text as a string.
/// </summary>
internal static class PgValues
{
    public const uint Bool = 16;
    public const uint Bytea = 17;
    public const uint Int8 = 20;
    public const uint Int2 = 21;
    public const uint Int4 = 23;
    public const uint Text = 25;
    public const uint Oid = 26;
    public const uint Json = 114;
    public const uint Float4 = 700;
    public const uint Float8 = 701;
    public const uint Timestamp = 1114;
    public const uint TimestampTz = 1184;
    public const uint Numeric = 1700;
    public const uint Jsonb = 3802;

    public static void Write(Utf8JsonWriter writer, uint type, ReadOnlySpan<byte> text)
    {
        switch (type)
        {
            case Bool:
                writer.WriteBooleanValue(text.Length > 0 && text[0] == (byte)'t');
                return;
            case Int2 or Int4 or Int8 or Oid when Utf8Parser.TryParse(text, out long whole, out var used) && used == text.Length:
                writer.WriteNumberValue(whole);
                return;
            case Float4 or Float8 or Numeric when IsJsonNumber(text):
                writer.WriteRawValue(text, skipInputValidation: true);
                return;
            case Json or Jsonb:
                writer.WriteRawValue(text);
                return;
            case Bytea when text.StartsWith(@"\x"u8):
                writer.WriteBase64StringValue(Convert.FromHexString(System.Text.Encoding.ASCII.GetString(text[2..])));
                return;
            case Timestamp or TimestampTz:
                writer.WriteStringValue(IsoTimestamp(System.Text.Encoding.UTF8.GetString(text)));
                return;
            default:
                writer.WriteStringValue(text);
                return;
        }
    }

    /// <summary>
    /// PostgreSQL's ISO output (<c>2024-05-01 12:00:00.5+02</c>) as ISO 8601 (<c>2024-05-01T12:00:00.5+02:00</c>);
    /// anything else (infinity, BC dates, other DateStyles) is left as the server wrote it.
    /// </summary>
    public static string IsoTimestamp(string text)
    {
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text.EndsWith(" BC", StringComparison.Ordinal))
        {
            return text;
        }

        var iso = string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11));
        var sign = iso.LastIndexOfAny(['+', '-']);
        return sign > 10 && iso.Length - sign == 3 ? iso + ":00" : iso; // "+02" → "+02:00"
    }

    /// <summary>A JSON number: -?digits(.digits)?([eE][+-]?digits)? (PostgreSQL never writes a leading '+' or '.').</summary>
    public static bool IsJsonNumber(ReadOnlySpan<byte> text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        var digits = Digits(text, ref i);
        if (digits == 0 || (digits > 1 && text[i - digits] == '0'))
        {
            return false;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            if (Digits(text, ref i) == 0)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int Digits(ReadOnlySpan<byte> text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9')
        {
            i++;
        }

        return i - start;
    }
}
