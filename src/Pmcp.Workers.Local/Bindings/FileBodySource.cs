using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>An R2 body read from its stored file, already positioned at the range's start (the body stream stops at its end).</summary>
internal sealed class FileBodySource(FileStream file) : IR2BodySource
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => file.ReadAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => file.DisposeAsync();
}
