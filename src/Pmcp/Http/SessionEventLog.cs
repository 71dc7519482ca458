namespace Pmcp.Http;

/// <summary>
/// The messages a session sends outside any request (notifications such as <c>resources/updated</c>), numbered, for
/// its standing <c>GET</c> stream: one reader at a time (a new <c>GET</c> takes the stream over, so no message goes out
/// on two streams), and the last ones kept so that a reader that lost its connection resumes with <c>Last-Event-ID</c>.
/// Bounded by count and bytes: the oldest are dropped first.
/// </summary>
internal sealed class SessionEventLog(int maxEvents, int maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long Id, byte[] Message)> _events = new();
    private long _nextId = 1;
    private long _bytes;

    /// <summary>The id of the last event a reader took: a new stream without <c>Last-Event-ID</c> starts after it.</summary>
    private long _delivered;

    /// <summary>Which reader owns the stream; a reader whose number is no longer this one stops.</summary>
    private long _reader;

    private TaskCompletionSource? _signal;
    private bool _closed;

    /// <summary>Adds a message, waking the reader.</summary>
    public void Append(byte[] message)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _events.Enqueue((_nextId++, message));
            _bytes += message.Length;
            while (_events.Count > maxEvents || (_bytes > maxBytes && _events.Count > 1))
            {
                _bytes -= _events.Dequeue().Message.Length;
            }

            signal = TakeSignal();
        }

        signal?.TrySetResult();
    }

    /// <summary>Ends every reader: the session was deleted or expired.</summary>
    public void Close()
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            _closed = true;
            _events.Clear();
            _bytes = 0;
            signal = TakeSignal();
        }

        signal?.TrySetResult();
    }

    /// <summary>
    /// Makes a new reader the stream's owner (the previous one stops at its next wake-up), starting after
    /// <paramref name="lastEventId"/> when given, else after what was already delivered.
    /// </summary>
    public (long Reader, long After) TakeOver(long? lastEventId)
    {
        TaskCompletionSource? signal;
        (long, long) taken;
        lock (_lock)
        {
            taken = (++_reader, lastEventId ?? _delivered);
            signal = TakeSignal();
        }

        signal?.TrySetResult();
        return taken;
    }

    /// <summary>
    /// The events after <paramref name="after"/> for reader <paramref name="reader"/>; empty with a task to wait on when
    /// there are none yet; <c>Ended</c> when the reader lost the stream or the log was closed.
    /// </summary>
    public (List<(long Id, byte[] Message)> Events, Task? Wait, bool Ended) Read(long reader, long after)
    {
        lock (_lock)
        {
            if (_closed || reader != _reader)
            {
                return ([], null, true);
            }

            var events = new List<(long, byte[])>();
            foreach (var e in _events)
            {
                if (e.Id > after)
                {
                    events.Add(e);
                }
            }

            if (events.Count > 0)
            {
                _delivered = Math.Max(_delivered, events[^1].Item1);
                return (events, null, false);
            }

            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (events, _signal.Task, false);
        }
    }

    private TaskCompletionSource? TakeSignal()
    {
        var signal = _signal;
        _signal = null;
        return signal;
    }
}
