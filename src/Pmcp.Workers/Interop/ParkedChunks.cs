using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// The read side of a stream left in workerd whose chunks the host parks for .NET (a socket, an R2 body): one chunk
/// is fetched at a time, as the stream yields it, and what does not fit the caller's buffer waits for the next read.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class ParkedChunks(int requestId)
{
    private byte[] _chunk = [];
    private int _offset;

    /// <summary>The stream gave its last chunk, or <see cref="End"/> was called.</summary>
    public bool Ended { get; private set; }

    /// <param name="buffer">Where the bytes go; at most its length is read.</param>
    /// <param name="cancellationToken">Cancels a wait for the next chunk.</param>
    /// <param name="nextSlot">Fetches the next chunk; resolves to its slot (taken with bindingTake), or 0 at the end.</param>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, Func<CancellationToken, Task<int>> nextSlot, CancellationToken cancellationToken)
    {
        while (_offset == _chunk.Length)
        {
            if (Ended)
            {
                return 0;
            }

            var slot = await nextSlot(cancellationToken).ConfigureAwait(false);
            if (slot == 0)
            {
                Ended = true;
                return 0;
            }

            _chunk = JsHost.BindingTake(requestId, slot);
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
