using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// The body of a fetch() response left in workerd (host/fetch.mjs), read chunk by chunk in the context of the request
/// that made the fetch, as the caller reads: a large download never has to be whole in .NET.
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsFetchBody(int requestId, int key, string url) : Stream
{
    private readonly ChunkReader _reads = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _reads.ReadAsync(buffer, ReadNextAsync, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Inside workerd a response body is read asynchronously: use ReadAsync (or CopyToAsync, ReadAsStringAsync).");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _reads.End())
        {
            JsFetch.Close(requestId, key); // what is left of the body is dropped in workerd
        }

        base.Dispose(disposing);
    }

    private async Task<HostOutcome> ReadNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await HostOperations.RunForBytesAsync(op => JsFetch.Read(requestId, op, key), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A cancelled read leaves the body mid-chunk: abort the fetch rather than leave it half-read.
            _reads.End();
            JsFetch.Close(requestId, key);
            throw;
        }
        catch (HostOperationException e)
        {
            throw new IOException($"Reading the response of {url} failed: {e.Message}", e);
        }
    }
}
