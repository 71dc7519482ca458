using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Interop;

/// <summary>
/// One socket of a request inside workerd. Reads arrive as whole chunks (as the socket's ReadableStream yields them);
/// what does not fit the caller's buffer waits for the next read.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsSocket(int requestId, int socket, string host, int port) : ISocketBackend
{
    private readonly ChunkReader _reads = new();

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _reads.ReadAsync(buffer, token => RunAsync(HostOperations.RunForBytesAsync, op => JsHost.SocketRead(requestId, op, socket), token), cancellationToken);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var segment = MemoryMarshal.TryGetArray(buffer, out var array) ? array : new ArraySegment<byte>(buffer.ToArray());
        await RunAsync(HostOperations.RunAsync, op => JsHost.SocketWrite(requestId, op, socket, segment), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await HostOperations.RunAsync(op => JsHost.SocketClose(requestId, op, socket), CancellationToken.None).ConfigureAwait(false);
        }
        catch (HostOperationException)
        {
            // Already gone with its request, or closed by the peer: either way it is closed.
        }
    }

    private async Task<T> RunAsync<T>(Func<Func<int, string?>, CancellationToken, Task<T>> run, Func<int, string?> submit, CancellationToken cancellationToken)
    {
        try
        {
            return await run(submit, cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            throw new WorkerException($"The connection to {host}:{port} failed: {e.Message}", e);
        }
    }
}
