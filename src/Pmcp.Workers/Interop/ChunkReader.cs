using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// The read side of a stream left in workerd (a socket, an R2 body, a fetch's response): one chunk is fetched at a
/// time, as the stream yields it, delivered with its read's completion; what does not fit the caller's buffer waits for
/// the next read.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class ChunkReader
{
    private byte[] _chunk = [];
    private int _offset;

    /// <summary>The stream gave its last chunk, or <see cref="End"/> was called.</summary>
    public bool Ended { get; private set; }

    /// <param name="buffer">Where the bytes go; at most its length is read.</param>
    /// <param name="cancellationToken">Cancels a wait for the next chunk.</param>
    /// <param name="nextChunk">Fetches the next chunk; resolves to it, or to no bytes at the end.</param>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, Func<CancellationToken, Task<HostOutcome>> nextChunk, CancellationToken cancellationToken)
    {
        while (_offset == _chunk.Length)
        {
            if (Ended)
            {
                return 0;
            }

            var chunk = (await nextChunk(cancellationToken).ConfigureAwait(false)).Bytes;
            if (chunk is null)
            {
                Ended = true;
                return 0;
            }

            _chunk = chunk;
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        return count;
    }

    /// <summary>Drops what is buffered and marks the end; false when it had ended already.</summary>
    public bool End()
    {
        _chunk = [];
        if (Ended)
        {
            return false;
        }

        Ended = true;
        return true;
    }
}
