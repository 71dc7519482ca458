using System.Runtime.Versioning;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Interop;

/// <summary>Outbound TCP inside workerd: <c>connect()</c> from <c>cloudflare:sockets</c>, for the request it was made for.</summary>
[SupportedOSPlatform("browser")]
internal sealed class JsSocketConnector(int requestId) : ISocketConnector
{
    public async Task<ISocketBackend> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        try
        {
            var id = await HostOperations.RunAsync(op => JsHost.SocketOpen(requestId, op, host, port), cancellationToken).ConfigureAwait(false);
            return new JsSocket(requestId, id, host, port);
        }
        catch (HostOperationException e)
        {
            throw new WorkerException($"Cannot connect to {host}:{port}: {e.Message}", e);
        }
    }
}
