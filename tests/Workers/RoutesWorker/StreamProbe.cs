using System.Globalization;
using System.Runtime.CompilerServices;
using Pmcp.Workers.Http;

namespace RoutesWorker;

/// <summary>
/// A large streamed body whose producer counts what it has made, so a test can read slowly and see whether the
/// Worker waited for it (backpressure) or made everything at once.
/// </summary>
internal static class StreamProbe
{
    /// <summary>64 KiB; every byte of chunk <c>i</c> is <c>(byte)i</c>.</summary>
    public const int ChunkBytes = 65536;

    private static readonly Dictionary<string, int> Made = [];

    /// <summary>A body of <paramref name="chunks"/> chunks, counted under <paramref name="token"/>.</summary>
    public static Response Body(string token, int chunks) => Response.Stream(Chunks(token, chunks), "application/octet-stream");

    /// <summary>How many chunks the body counted under <paramref name="token"/> has made so far.</summary>
    public static string Count(string token) => (Made.TryGetValue(token, out var made) ? made : 0).ToString(CultureInfo.InvariantCulture);

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(string token, int chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One buffer for every chunk: the host copies each one out before the next is made.
        var buffer = new byte[ChunkBytes];
        for (var i = 0; i < chunks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.AsSpan().Fill((byte)i);
            Made[token] = i + 1;
            yield return buffer;
            await Task.Yield(); // lets other requests in, as real producers (reading R2, a database) do
        }
    }
}
