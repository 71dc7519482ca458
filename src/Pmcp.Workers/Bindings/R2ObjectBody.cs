using System.Text;

namespace Pmcp.Workers.Bindings;

/// <summary>
/// An object with its body, shaped after workers-rs's <c>ObjectBody</c>: the body is a <see cref="Stream"/> read on
/// demand (<see cref="Body"/>), or read whole with <see cref="ReadAllBytesAsync"/> or <see cref="ReadTextAsync"/>.
/// <para>
/// The body can be read once, within the request that got it: inside workerd it is the R2 object's own stream, which
/// workerd cancels when the request ends. Dispose the object when the body is not read to the end, to release it early.
/// </para>
/// </summary>
public sealed record R2ObjectBody : R2Object, IAsyncDisposable, IDisposable
{
    private readonly R2BodyStream _body;

    /// <summary>For backends: the object's metadata and where its body's <paramref name="bodyLength"/> bytes come from.</summary>
    /// <param name="metadata">The object's metadata, with <see cref="R2Object.Range"/> set for a ranged get.</param>
    /// <param name="bodyLength">How many bytes the body holds: the range's length, or the object's size.</param>
    /// <param name="source">Where the bytes come from; disposed once the body is read or this is disposed.</param>
    public R2ObjectBody(R2Object metadata, long bodyLength, IR2BodySource source)
        : base(metadata ?? throw new ArgumentNullException(nameof(metadata)))
    {
        _body = new R2BodyStream(metadata.Key, bodyLength, source ?? throw new ArgumentNullException(nameof(source)));
    }

    /// <summary>
    /// The body (or the range asked for), read as it is consumed; asynchronous reads only. Its <see cref="Stream.Length"/>
    /// is the number of bytes it yields.
    /// </summary>
    public Stream Body => _body;

    /// <summary>The number of bytes in the body: the range's length for a ranged get, else <see cref="R2Object.Size"/>.</summary>
    public long BodyLength => _body.Length;

    /// <summary>Whether reading the body has started (it can be read only once).</summary>
    public bool BodyUsed => _body.Used;

    /// <summary>The whole body in memory: only for objects known to be small enough (a Worker has 128 MB).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="WorkerException">
    /// Reading the body had already started, the body is too large for one array, or it ended early.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The object was disposed.</exception>
    public Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default) => _body.ReadAllAsync(cancellationToken);

    /// <summary>The whole body as UTF-8 text.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="WorkerException">
    /// Reading the body had already started, the body is too large for one array, or it ended early.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The object was disposed.</exception>
    public async Task<string> ReadTextAsync(CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await ReadAllBytesAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Releases the body if it was not read to the end.</summary>
    public ValueTask DisposeAsync() => _body.DisposeAsync();

    /// <summary>
    /// Releases the body if it was not read to the end, without waiting for the host to close it; prefer
    /// <see cref="DisposeAsync"/>.
    /// </summary>
    public void Dispose() => _body.Dispose();
}
