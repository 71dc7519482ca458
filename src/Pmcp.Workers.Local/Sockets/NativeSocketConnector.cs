using System.Net.Sockets;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Local.Sockets;

/// <summary>Outbound TCP for the native host: a <see cref="TcpClient"/> per socket, failing with the same WorkerException messages as workerd's.</summary>
internal sealed class NativeSocketConnector : ISocketConnector
{
    public static readonly NativeSocketConnector Instance = new();

    public async Task<ISocketBackend> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new NativeSocket(client, host, port);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new WorkerException($"Cannot connect to {host}:{port}: {e.Message}", e);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
