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

    /// <summary>The host name or address the socket was opened to.</summary>
    public string Host { get; }

    /// <summary>The TCP port the socket was opened to.</summary>
    public int Port { get; }

    /// <summary>True until the socket is closed.</summary>
    public override bool CanRead => _closed == 0;

    /// <summary>True until the socket is closed.</summary>
    public override bool CanWrite => _closed == 0;

    /// <summary>Always false: a socket is a stream of bytes as they arrive.</summary>
    public override bool CanSeek => false;

    /// <summary>Not supported: always throws <see cref="NotSupportedException"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException("A socket has no length.");

    /// <summary>Not supported: getting or setting it throws <see cref="NotSupportedException"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
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
    /// <param name="buffer">Where the bytes go; an empty buffer returns 0 at once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="WorkerException">The connection failed.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed != 0, this);
        return buffer.IsEmpty ? ValueTask.FromResult(0) : _backend.ReadAsync(buffer, cancellationToken);
    }

    /// <summary>
    /// Reads what has arrived into part of an array, as <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.
    /// </summary>
    /// <param name="buffer">The array the bytes go into.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> the first byte goes.</param>
    /// <param name="count">The most bytes to read.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends all of <paramref name="buffer"/>; it goes out at once, with nothing to flush.</summary>
    /// <param name="buffer">The bytes to send; an empty buffer sends nothing.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="WorkerException">The connection failed.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closed != 0, this);
        return buffer.IsEmpty ? ValueTask.CompletedTask : _backend.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>Sends part of an array, as <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <param name="buffer">The array holding the bytes.</param>
    /// <param name="offset">Where in <paramref name="buffer"/> the bytes start.</param>
    /// <param name="count">How many bytes to send.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes go out as they are made; there is nothing to flush.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Does nothing: writes go out as they are made.</summary>
    public override void Flush()
    {
    }

    /// <summary>Closes the connection (both directions).</summary>
    public Task CloseAsync() => DisposeAsync().AsTask();

    /// <summary>Closes the connection (both directions) and waits for the close; later calls do nothing.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            await _backend.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the connection without waiting for the close (a plain <c>using</c>); prefer <c>await using</c>.
    /// </summary>
    /// <param name="disposing">True when called from <see cref="Stream.Dispose()"/>, false from a finalizer.</param>
    protected override void Dispose(bool disposing)
    {
        // A synchronous dispose (a plain using) still closes: the close is started and not waited for.
        if (disposing && Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _ = _backend.DisposeAsync().AsTask();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Not supported: a blocking read would stall the one thread inside workerd. Use <c>ReadAsync</c>.
    /// </summary>
    /// <param name="buffer">Unused.</param>
    /// <param name="offset">Unused.</param>
    /// <param name="count">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override int Read(byte[] buffer, int offset, int count) => throw Synchronous();

    /// <summary>
    /// Not supported: a blocking write would stall the one thread inside workerd. Use <c>WriteAsync</c>.
    /// </summary>
    /// <param name="buffer">Unused.</param>
    /// <param name="offset">Unused.</param>
    /// <param name="count">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Write(byte[] buffer, int offset, int count) => throw Synchronous();

    /// <summary>Not supported: a socket cannot seek.</summary>
    /// <param name="offset">Unused.</param>
    /// <param name="origin">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A socket cannot seek.");

    /// <summary>Not supported: a socket has no length.</summary>
    /// <param name="value">Unused.</param>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException("A socket has no length.");

    /// <summary>The socket's address, as <c>TcpSocket host:port</c>.</summary>
    public override string ToString() => $"TcpSocket {Host}:{Port}";

    private static NotSupportedException Synchronous() =>
        new("TcpSocket is asynchronous only (a blocking read would stall the one thread inside workerd): use ReadAsync and WriteAsync.");
}
