using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Json;

/// <summary>
/// Writes a long string (a tool's text, a base64 image or blob) to JSON in slices instead of in one piece. Given a whole
/// string, <see cref="Utf8JsonWriter"/> first asks its buffer for room for the worst case, three bytes per character and
/// six for an escaped one: for a 4 MiB text, a 12 to 24 MiB array on top of the string and the answer. In a Worker that
/// array becomes WebAssembly memory for good, which never shrinks. Reads as any string does.
/// </summary>
internal sealed class SegmentedStringConverter : JsonConverter<string>
{
    /// <summary>Characters per slice: past this a string is written in slices of this many.</summary>
    private const int SliceChars = 8 * 1024;

    /// <inheritdoc />
    public override bool HandleNull => false;

    /// <inheritdoc />
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => Write(writer, value.AsSpan());

    /// <summary>Writes <paramref name="value"/> as one JSON string, in slices when it is long.</summary>
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        if (value.Length <= SliceChars)
        {
            writer.WriteStringValue(value);
            return;
        }

        while (value.Length > SliceChars)
        {
            // Never split a surrogate pair between slices: each slice is transcoded on its own.
            var length = char.IsHighSurrogate(value[SliceChars - 1]) ? SliceChars - 1 : SliceChars;
            writer.WriteStringValueSegment(value[..length], isFinalSegment: false);
            value = value[length..];
        }

        writer.WriteStringValueSegment(value, isFinalSegment: true);
    }
}
