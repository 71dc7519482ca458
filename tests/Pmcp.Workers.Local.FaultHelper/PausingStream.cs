namespace Pmcp.Workers.Local.FaultHelper;

/// <summary>
/// A body that hands over its first half, prints "midway N" and then never finishes: the test kills the process
/// there, with half an R2 object written.
/// </summary>
public sealed class PausingStream(byte[] body, long generation) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => body.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= body.Length / 2)
        {
            await Console.Out.WriteLineAsync($"midway {generation}");
            await Console.Out.FlushAsync(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var count = Math.Min(buffer.Length, (body.Length / 2) - _position);
        body.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
