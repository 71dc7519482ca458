using System.Net.Sockets;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Local.Sockets;

/// <summary>One native socket; I/O failures become the WorkerException a socket inside workerd throws.</summary>
internal sealed class NativeSocket(TcpClient client, string host, int port) : ISocketBackend
{
    private readonly NetworkStream _stream = client.GetStream();

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Failed(e);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Failed(e);
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    private WorkerException Failed(IOException e) => new($"The connection to {host}:{port} failed: {e.InnerException?.Message ?? e.Message}", e);
}
