using System.Runtime.Versioning;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Interop;

/// <summary>
/// An R2 object's body left in workerd (host/r2streams.mjs), read chunk by chunk in the context of the request that got
/// it, as <see cref="JsSocket"/> reads. What does not fit the caller's buffer waits for the next read.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsR2Body(int requestId, int body, string key) : IR2BodySource
{
    private readonly ChunkReader _reads = new();

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _reads.ReadAsync(buffer, ReadNextAsync, cancellationToken);

    private async Task<HostOutcome> ReadNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await HostOperations.RunForBytesAsync(op => JsHost.R2Read(requestId, op, body), cancellationToken).ConfigureAwait(false);
        }
        catch (HostOperationException e)
        {
            throw new WorkerException($"The body of R2 object '{key}' cannot be read: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_reads.End())
        {
            return;
        }

        try
        {
            await HostOperations.RunAsync(op => JsHost.R2Close(requestId, op, body), CancellationToken.None).ConfigureAwait(false);
        }
        catch (HostOperationException)
        {
            // Already released with its request.
        }
    }
}
