namespace Pmcp.Workers.Bindings;

/// <summary>
/// The body of an <see cref="R2ObjectBody"/>: a read-once, forward-only stream over the backend's source that stops at
/// the body's length and releases the source at the end, on dispose, or on failure. Asynchronous only, as
/// <see cref="Sockets.TcpSocket"/>: a blocking read would stall the one thread inside workerd.
/// </summary>
internal sealed class R2BodyStream(string key, long length, IR2BodySource source) : Stream
{
    private long _read;
    private int _released;
    private bool _disposed;

    public bool Used { get; private set; }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>The number of bytes the body holds, known up front (R2 reports it), though the stream cannot seek.</summary>
    public override long Length => length;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException("An R2 body cannot seek; ask GetAsync for a range instead.");
    }

    /// <summary>The whole body in one array; only as the body's first read.</summary>
    public async Task<byte[]> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (Used)
        {
            throw new WorkerException($"The body of R2 object '{key}' has already been read (a body can be read once).");
        }

        if (length > Array.MaxLength)
        {
            throw new WorkerException($"The body of R2 object '{key}' is {length} bytes, too large for one array: read it as a stream (Body).");
        }

        var bytes = new byte[length];
        await this.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        await ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false); // marks an empty body used too
        await ReleaseAsync().ConfigureAwait(false);
        return bytes;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(R2ObjectBody), $"The body of R2 object '{key}' was disposed; it cannot be read any more.");
        }

        Used = true;
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_read == length)
        {
            await ReleaseAsync().ConfigureAwait(false);
            return 0;
        }

        int count;
        try
        {
            count = await source.ReadAsync(buffer[..(int)Math.Min(buffer.Length, length - _read)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        if (count == 0)
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw new WorkerException($"The body of R2 object '{key}' ended after {_read} of its {length} bytes.");
        }

        _read += count;
        if (_read == length)
        {
            await ReleaseAsync().ConfigureAwait(false);
        }

        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask DisposeAsync()
    {
        _disposed = true;
        await ReleaseAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        // A synchronous dispose (a plain using) still releases: the release is started and not waited for.
        if (disposing)
        {
            _disposed = true;
            _ = ReleaseAsync().AsTask();
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("An R2 body is asynchronous only (a blocking read would stall the one thread inside workerd): use ReadAsync or CopyToAsync.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("An R2 body cannot seek; ask GetAsync for a range instead.");

    public override void SetLength(long value) => throw new NotSupportedException("An R2 body is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("An R2 body is read-only.");

    private ValueTask ReleaseAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? source.DisposeAsync() : ValueTask.CompletedTask;
}
