using System.Runtime.CompilerServices;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// The body of an event-stream answer: each notification the work sends, then its result, each framed as one SSE
/// <c>message</c> event.
/// </summary>
internal static class ServerSentEvents
{
    /// <summary>
    /// Yields the notifications as they arrive, then the reply (a request the client cancelled has none). The queue is
    /// completed when the work ends, so the notifications loop cannot outlive the work.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(Task<McpReply?> work, EventQueue events, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _ = work.ContinueWith(_ => events.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await foreach (var notification in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Frame(notification);
        }

        if (await work.ConfigureAwait(false) is { } reply)
        {
            yield return Frame(reply.Json);
        }
    }

    /// <summary>One JSON-RPC message as an SSE event: <c>event: message</c>, its JSON on one <c>data:</c> line, a blank line.</summary>
    private static byte[] Frame(byte[] json)
    {
        var prefix = "event: message\ndata: "u8;
        var bytes = new byte[prefix.Length + json.Length + 2];
        prefix.CopyTo(bytes);
        json.CopyTo(bytes, prefix.Length);
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
