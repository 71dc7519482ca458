namespace Pmcp.Workers.Sockets;

// What a host provides behind TcpSocket: workerd's connect() from cloudflare:sockets through the JS host, or a
// TcpClient natively. TcpSocket checks arguments and state, so both backends only move bytes.

/// <summary>Opens outbound TCP connections for one request.</summary>
public interface ISocketConnector
{
    /// <summary>Connects; a failure is a <see cref="WorkerException"/> naming the address.</summary>
    /// <param name="host">The host name or IP address, already checked to be non-empty.</param>
    /// <param name="port">The TCP port, already checked to be 1 to 65535.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    Task<ISocketBackend> ConnectAsync(string host, int port, CancellationToken cancellationToken);
}

/// <summary>One open connection.</summary>
public interface ISocketBackend : IAsyncDisposable
{
    /// <summary>Reads what has arrived (at least one byte), or 0 once the peer has closed its side.</summary>
    /// <param name="buffer">Where the bytes go; never empty.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Sends all of <paramref name="buffer"/>; completes once the bytes are handed to the connection.
    /// </summary>
    /// <param name="buffer">The bytes to send; never empty.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);
}
