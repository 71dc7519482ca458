namespace Pmcp.Workers.Bindings;

/// <summary>
/// The body of a streamed put as its backend reads it: exactly <see cref="Length"/> bytes of the caller's stream, and a
/// <see cref="WorkerException"/> when the stream holds fewer or more. Checked here, once, so both hosts fail alike
/// (inside workerd the <c>FixedLengthStream</c> would also refuse, with a less helpful message).
/// </summary>
public sealed class R2UploadReader
{
    private readonly string _key;
    private readonly Stream _body;
    private long _read;
    private bool _endChecked;

    internal R2UploadReader(string key, Stream body, long length)
    {
        _key = key;
        _body = body;
        Length = length;
    }

    /// <summary>How many bytes the caller declared: exactly what the stream must hold, and what R2 stores.</summary>
    public long Length { get; }

    /// <summary>
    /// Reads up to the buffer's size; 0 once all <see cref="Length"/> bytes are read. The stream's end is checked before
    /// the last bytes are handed out: R2 stores the object as soon as it has its length, so a longer stream must fail
    /// before then.
    /// </summary>
    /// <param name="buffer">Where the bytes go.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many bytes were read into <paramref name="buffer"/>; 0 at the end.</returns>
    /// <exception cref="WorkerException">The stream holds fewer or more than <see cref="Length"/> bytes.</exception>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var count = 0;
        if (_read < Length)
        {
            count = await _body.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Length - _read)], cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                throw new WorkerException($"R2 put of '{_key}': the stream ended after {_read} of the {Length} bytes declared; nothing was stored.");
            }

            _read += count;
        }

        if (_read == Length && !_endChecked)
        {
            if (await _body.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new WorkerException($"R2 put of '{_key}': the stream holds more than the {Length} bytes declared; nothing was stored.");
            }

            _endChecked = true;
        }

        return count;
    }
}
