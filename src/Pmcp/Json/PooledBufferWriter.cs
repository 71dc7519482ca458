using System.Buffers;

namespace Pmcp.Json;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> of bytes whose space comes from <see cref="ArrayPool{T}.Shared"/> in segments, for
/// answers written once and then copied out whole (<see cref="ToArray"/>).
/// </summary>
/// <remarks>
/// Why not <see cref="ArrayBufferWriter{T}"/>: it grows by doubling, and every outgrown array is garbage. In
/// WebAssembly the runtime's memory only grows, so a 4 MiB answer left a trail of 256 B … 16 MiB arrays that raised the
/// isolate's memory by tens of MiB per request until a collection (IsolateMemoryTests). Here a full segment stays
/// where it is and the next one is rented; a value larger than a segment (Utf8JsonWriter asks for room for a whole
/// string at once) gets a segment of its own size, and every segment goes back to the pool on <see cref="Dispose"/>.
/// </remarks>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int SegmentBytes = 16 * 1024;

    private readonly List<(byte[] Array, int Used)> _full = [];
    private byte[] _current;
    private int _used;
    private int _fullBytes;

    /// <summary>Starts with one segment of at least <paramref name="initialBytes"/>.</summary>
    public PooledBufferWriter(int initialBytes = 256) => _current = ArrayPool<byte>.Shared.Rent(Math.Max(initialBytes, 256));

    /// <summary>The bytes written so far.</summary>
    public int WrittenCount => _fullBytes + _used;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_used + count > _current.Length)
        {
            throw new InvalidOperationException("Advanced past the memory handed out.");
        }

        _used += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        var start = Reserve(sizeHint); // first: it may replace _current
        return _current.AsMemory(start);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var start = Reserve(sizeHint);
        return _current.AsSpan(start);
    }

    /// <summary>The bytes written, copied into one array of exactly their length.</summary>
    public byte[] ToArray()
    {
        var bytes = GC.AllocateUninitializedArray<byte>(WrittenCount);
        var offset = 0;
        foreach (var (array, used) in _full)
        {
            array.AsSpan(0, used).CopyTo(bytes.AsSpan(offset));
            offset += used;
        }

        _current.AsSpan(0, _used).CopyTo(bytes.AsSpan(offset));
        return bytes;
    }

    /// <summary>Gives back what it holds and starts again with one segment of at least <paramref name="initialBytes"/>, so one writer serves many answers.</summary>
    public void Restart(int initialBytes)
    {
        Dispose();
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(initialBytes, 256));
    }

    /// <summary>Returns every segment to the pool; the writer must not be used after, unless <see cref="Restart"/>ed.</summary>
    public void Dispose()
    {
        foreach (var (array, _) in _full)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _full.Clear();
        ArrayPool<byte>.Shared.Return(_current);
        _current = [];
        _used = 0;
        _fullBytes = 0;
    }

    /// <summary>Makes room for <paramref name="sizeHint"/> bytes (at least one) in the current segment; returns where it starts.</summary>
    private int Reserve(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        var needed = Math.Max(sizeHint, 1);
        if (_current.Length - _used < needed)
        {
            if (_used > 0)
            {
                _full.Add((_current, _used));
                _fullBytes += _used;
            }
            else
            {
                ArrayPool<byte>.Shared.Return(_current);
            }

            _current = ArrayPool<byte>.Shared.Rent(Math.Max(needed, SegmentBytes));
            _used = 0;
        }

        return _used;
    }
}
