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
    private byte[] _chunk = [];
    private int _offset;
    private bool _ended;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (_offset == _chunk.Length)
        {
            if (_ended)
            {
                return 0;
            }

            int slot;
            try
            {
                slot = await JsSocketOperations.RunAsync(op => JsHost.R2Read(requestId, op, body), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new WorkerException($"The body of R2 object '{key}' cannot be read: {e.Message}", e);
            }

            if (slot == 0)
            {
                _ended = true;
                return 0;
            }

            _chunk = JsHost.BindingTake(requestId, slot);
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _chunk.Length - _offset);
        _chunk.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _chunk = [];
        if (_ended)
        {
            return;
        }

        _ended = true;
        try
        {
            await JsSocketOperations.RunAsync(op => JsHost.R2Close(requestId, op, body), CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already released with its request.
        }
    }
}
