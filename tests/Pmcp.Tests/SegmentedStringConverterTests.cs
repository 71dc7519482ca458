using System.Buffers;
using System.Text;
using System.Text.Json;
using Pmcp.Json;
using Pmcp.Protocol;

namespace Pmcp.Tests;

public sealed class SegmentedStringConverterTests
{
    public static TheoryData<string> Texts()
    {
        var pairAcrossSlices = new string('a', 8191) + "😀" + new string('b', 9000);
        var escapedAcrossSlices = new string('é', 8190) + "\"\\\n\u0001<>&'" + new string('✓', 20_000);
        return
        [
            "",
            "short",
            new string('x', 8192),
            new string('x', 8193),
            pairAcrossSlices,
            escapedAcrossSlices,
            string.Concat(Enumerable.Repeat("𝄞 music é ", 5_000)),
        ];
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void WritesTheSameJsonAsOneWholeString(string text)
    {
        Assert.Equal(Whole(text), Sliced(text));
        using var document = JsonDocument.Parse(Sliced(text));
        Assert.Equal(text, document.RootElement.GetString());
    }

    [Fact]
    public void ALoneSurrogateAtASliceEdgeIsWrittenAsAWholeStringIs()
    {
        var text = new string('a', 8191) + "\ud800" + new string('b', 10);
        Assert.Equal(Whole(text), Sliced(text));
    }

    [Fact]
    public void AToolResultsTextRoundTripsThroughTheSerializer()
    {
        var text = new string('q', 50_000) + "\"end\"";
        var json = JsonSerializer.Serialize<ContentBlock>(new TextContent(text), PmcpJsonContext.Default.ContentBlock);
        var back = Assert.IsType<TextContent>(JsonSerializer.Deserialize(json, PmcpJsonContext.Default.ContentBlock));
        Assert.Equal(text, back.Text);
    }

    /// <summary>
    /// Writing a 4 MiB text whole asks the buffer for 12 MiB at once (three bytes per character, the worst case), an
    /// array that in a Worker stays WebAssembly memory for good; in slices no request is larger than a slice's worst case.
    /// </summary>
    [Fact]
    public void AFourMiBTextNeverAsksTheBufferForMoreThanASlicesWorth()
    {
        var buffer = new LargestRequestRecorder();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            JsonSerializer.Serialize<ContentBlock>(writer, new TextContent(new string('m', 4 * 1024 * 1024)), PmcpJsonContext.Default.ContentBlock);
        }

        Assert.True(buffer.Written > 4 * 1024 * 1024, "the whole text was written");
        Assert.True(buffer.LargestHint <= 8 * 1024 * 6 + 64, $"the writer asked for {buffer.LargestHint} bytes at once");
    }

    private static string Whole(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Sliced(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            SegmentedStringConverter.Write(writer, text);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> that remembers the largest room it was asked for.</summary>
    private sealed class LargestRequestRecorder : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public int LargestHint { get; private set; }

        public int Written => _inner.WrittenCount;

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(Record(sizeHint));

        public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(Record(sizeHint));

        private int Record(int sizeHint)
        {
            LargestHint = Math.Max(LargestHint, sizeHint);
            return sizeHint;
        }
    }
}
