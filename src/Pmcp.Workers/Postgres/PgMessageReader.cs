using System.Buffers.Binary;

namespace Pmcp.Workers.Postgres;

/// <summary>One backend message: its type byte and its body (a copy, the caller's to keep).</summary>
internal readonly record struct PgMessage(char Type, byte[] Body);

/// <summary>Reads backend messages off the connection, whatever sizes the bytes arrive in.</summary>
internal sealed class PgMessageReader(Stream stream, int maxMessageBytes)
{
    public PgMessageReader(Stream stream)
        : this(stream, PgLimits.Default.MaxMessageBytes)
    {
    }

    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public async ValueTask<PgMessage> ReadAsync(CancellationToken cancellationToken)
    {
        await FillAsync(5, cancellationToken).ConfigureAwait(false);
        var type = (char)_buffer[_start];
        var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1));
        // PostgreSQL never sends a message over 1 GiB (its MaxAllocSize): such a length is text or noise, not the protocol.
        if (length < 4 || length > 1024 * 1024 * 1024)
        {
            throw new WorkerException("The server's answer is not the PostgreSQL protocol (is the port right, and the server PostgreSQL?).");
        }

        if (length > maxMessageBytes)
        {
            throw new WorkerException(
                $"PostgreSQL sent a message of {length} bytes, more than this client's limit of {PgLimits.Size(maxMessageBytes)} per message " +
                "(a row or a value that large does not fit a Worker): select fewer or smaller columns, or read a large value in parts (substring).");
        }

        _start += 5;
        await FillAsync(length - 4, cancellationToken).ConfigureAwait(false);
        var body = _buffer.AsSpan(_start, length - 4).ToArray();
        _start += length - 4;
        return new PgMessage(type, body);
    }

    private async ValueTask FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (count > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new WorkerException("PostgreSQL closed the connection in the middle of an answer.");
            }

            _end += read;
        }
    }
}
