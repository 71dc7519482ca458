using System.Buffers;
using System.Text.Json;
using Pmcp.Json;

namespace Pmcp.Tests;

public sealed class PooledBufferWriterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(20_000)]
    [InlineData(3_000_000)]
    public void WritesTheSameBytesAsArrayBufferWriterAcrossSegments(int stringLength)
    {
        var big = new string('x', stringLength) + "é\"✓";
        void Write(IBufferWriter<byte> buffer)
        {
            using var w = new Utf8JsonWriter(buffer, JsonWriting.Options);
            w.WriteStartArray();
            for (var i = 0; i < 5_000; i++)
            {
                w.WriteNumberValue(i);
            }

            w.WriteStringValue(big);
            w.WriteStringValue("after");
            w.WriteEndArray();
        }

        var expected = new ArrayBufferWriter<byte>();
        Write(expected);
        using var pooled = new PooledBufferWriter();
        Write(pooled);

        Assert.Equal(expected.WrittenCount, pooled.WrittenCount);
        Assert.Equal(expected.WrittenSpan.ToArray(), pooled.ToArray());
    }

    [Fact]
    public void AdvancingPastTheMemoryHandedOutThrows()
    {
        using var pooled = new PooledBufferWriter();
        var length = pooled.GetSpan(10).Length;
        Assert.Throws<InvalidOperationException>(() => pooled.Advance(length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pooled.Advance(-1));
    }
}
