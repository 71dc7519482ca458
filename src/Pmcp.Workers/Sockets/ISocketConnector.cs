namespace Pmcp.Workers.Sockets;

// What a host provides behind TcpSocket: workerd's connect() from cloudflare:sockets through the JS host, or a
// TcpClient natively. TcpSocket checks arguments and state, so both backends only move bytes.

/// <summary>Opens outbound TCP connections for one request.</summary>
public interface ISocketConnector
{
    /// <summary>Connects; a failure is a <see cref="WorkerException"/> naming the address.</summary>
    Task<ISocketBackend> ConnectAsync(string host, int port, CancellationToken cancellationToken);
}

/// <summary>One open connection.</summary>
public interface ISocketBackend : IAsyncDisposable
{
    /// <summary>Reads what has arrived (at least one byte), or 0 once the peer has closed its side.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);
}
