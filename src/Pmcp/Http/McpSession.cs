using System.Runtime.CompilerServices;
using System.Text;

namespace Pmcp.Http;

/// <summary>
/// One client's session (revisions 2024-11-05 to 2025-11-25): the revision it negotiated, who opened it, the
/// resources it subscribed to, and its standing event stream. Made at <c>initialize</c> by <see cref="McpSessionStore"/>.
/// </summary>
internal sealed class McpSession
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly int _maxSubscriptions;
    private long _lastUsed;

    public McpSession(string id, string version, string? subject, McpSessionOptions options)
    {
        Id = id;
        Version = version;
        Subject = subject;
        _maxSubscriptions = options.MaxSubscriptions;
        Events = new SessionEventLog(options.MaxStoredEvents, options.MaxStoredEventBytes);
        Touch();
    }

    /// <summary>The <c>Mcp-Session-Id</c>: 128 random bits, base64url.</summary>
    public string Id { get; }

    /// <summary>The revision <c>initialize</c> settled on: a request without <c>MCP-Protocol-Version</c> is answered in it.</summary>
    public string Version { get; }

    /// <summary>The authenticated caller's subject at <c>initialize</c>; a request from anyone else does not find the session.</summary>
    public string? Subject { get; }

    /// <summary>The notifications sent outside any request, for the standing <c>GET</c> stream.</summary>
    public SessionEventLog Events { get; }

    /// <summary>When the session was last used (<see cref="Environment.TickCount64"/>, milliseconds).</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);

    /// <summary>Marks the session used now: its idle time starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastUsed, Environment.TickCount64);

    /// <summary>Adds a subscription; false when the session already holds as many as it may.</summary>
    public bool Subscribe(string uri)
    {
        lock (_lock)
        {
            return _subscriptions.Contains(uri) || (_subscriptions.Count < _maxSubscriptions && _subscriptions.Add(uri));
        }
    }

    /// <summary>Removes a subscription (none is fine).</summary>
    public void Unsubscribe(string uri)
    {
        lock (_lock)
        {
            _subscriptions.Remove(uri);
        }
    }

    /// <summary>Whether the session subscribed to <paramref name="uri"/>.</summary>
    public bool IsSubscribed(string uri)
    {
        lock (_lock)
        {
            return _subscriptions.Contains(uri);
        }
    }

    /// <summary>
    /// The standing stream's bytes: a comment at once (so the client has the response's headers), then each event with
    /// its id, until the client goes, another <c>GET</c> takes the stream over, or the session ends.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(long? lastEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (reader, after) = Events.TakeOver(lastEventId);
        yield return ": stream open\n\n"u8.ToArray();
        while (!cancellationToken.IsCancellationRequested)
        {
            var (events, wait, ended) = Events.Read(reader, after);
            if (ended)
            {
                yield break;
            }

            foreach (var (id, message) in events)
            {
                after = id;
                yield return Frame(id, message);
            }

            if (wait is not null)
            {
                try
                {
                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }

    private static byte[] Frame(long id, byte[] json)
    {
        var head = Encoding.ASCII.GetBytes($"id: {id}\nevent: message\ndata: ");
        var bytes = new byte[head.Length + json.Length + 2];
        head.CopyTo(bytes, 0);
        json.CopyTo(bytes, head.Length);
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
