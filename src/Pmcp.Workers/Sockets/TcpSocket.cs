namespace Pmcp.Workers.Sockets;

/// <summary>
/// An outbound TCP connection (<c>await env.ConnectAsync("db.example.com", 5432)</c>), shaped after workers-rs's
/// <c>Socket</c>: a duplex <see cref="Stream"/> to read and write asynchronously, closed by disposing it. Inside
/// workerd it is <c>connect()</c> from <c>cloudflare:sockets</c>; natively, a <c>TcpClient</c>. There is no TLS.
/// <para>
/// A socket belongs to the request that opened it: workerd closes it when the request ends, so open one per request
/// (never in a static). Only the asynchronous members work — a synchronous read would block the only thread inside
/// workerd — and one read and one write may be in flight at a time.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Named for what it is, as workers-rs's Socket; deriving from Stream is what lets it compose.")]
public sealed class TcpSocket : Stream
{
    private readonly ISocketBackend _backend;
    private int _closed;

    internal TcpSocket(string host, int port, ISocketBackend backend)
    {
        Host = host;
        Port = port;
        _backend = backend;
    }

    public string Host { get; }

    public int Port { get; }

    public override bool CanRead => _closed == 0;

    public override bool CanWrite => _closed == 0;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("A socket has no length.");

    public override long Position
    {
        get => throw new NotSupportedException("A socket has no position.");
        set => throw new NotSupportedException("A socket has no position.");
    }

    internal static async Task<TcpSocket> ConnectAsync(ISocketConnector connector, string host, int port, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is < 1 or > 65535)
        {
            throw new WorkerException($"Cannot connect to {host}:{port}: the port must be from 1 to 65535.");
        }

        return new TcpSocket(host, port, await connector.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads what has arrived (waiting for at least one byte); 0 means the server closed the connection.</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed != 0, this);
        return buffer.IsEmpty ? ValueTask.FromResult(0) : _backend.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed != 0, this);
        return buffer.IsEmpty ? ValueTask.CompletedTask : _backend.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes go out as they are made; there is nothing to flush.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    /// <summary>Closes the connection (both directions).</summary>
    public Task CloseAsync() => DisposeAsync().AsTask();

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            await _backend.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        // A synchronous dispose (a plain using) still closes: the close is started and not waited for.
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _ = _backend.DisposeAsync().AsTask();
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw Synchronous();

    public override void Write(byte[] buffer, int offset, int count) => throw Synchronous();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A socket cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A socket has no length.");

    public override string ToString() => $"TcpSocket {Host}:{Port}";

    private static NotSupportedException Synchronous() =>
        new("TcpSocket is asynchronous only (a blocking read would stall the one thread inside workerd): use ReadAsync and WriteAsync.");
}
