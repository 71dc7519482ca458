namespace Pmcp.Http;

/// <summary>
/// The messages a request's work sends before its result (progress, logs, requests to the client), in order, for
/// one reader: the event stream. Small on purpose: one per request that may stream, so it costs little and pulls
/// in no channel library (every assembly weighs on a Worker's size and cold start).
/// Bounded: a handler may report progress faster than a slow client reads, so past <see cref="MaxWaitingNotifications"/>
/// or <see cref="MaxWaitingBytes"/> the oldest waiting notification is dropped (the newest are kept). Requests to the
/// client are never dropped (their handler waits for the answer), and the result does not pass through here.
/// </summary>
internal sealed class EventQueue
{
    public const int MaxWaitingNotifications = 1024;

    public const int MaxWaitingBytes = 1024 * 1024;

    private Queue<(byte[] Message, bool Droppable)> _items = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource? _signal;
    private bool _completed;
    private int _waitingNotifications;
    private long _waitingBytes;

    /// <summary>
    /// A queue that is already complete, shared by every exchange whose answer went out as plain JSON: what its work
    /// sends afterwards is dropped, as a completed queue drops it, without a queue made per request.
    /// </summary>
    public static EventQueue Closed { get; } = ClosedQueue();

    private static EventQueue ClosedQueue()
    {
        var queue = new EventQueue();
        queue.Complete();
        return queue;
    }

    /// <summary>How many notifications were dropped because the reader fell behind.</summary>
    public int Dropped { get; private set; }

    public bool HasItems
    {
        get
        {
            lock (_lock)
            {
                return _items.Count > 0;
            }
        }
    }

    /// <summary>
    /// Adds a message; after <see cref="Complete"/>, messages are dropped (MCP: nothing after the result). A
    /// notification may be dropped later if the reader falls behind; a request to the client never is.
    /// </summary>
    public void Enqueue(byte[] message)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            var droppable = Server.JsonRpcWriter.IsNotification(message);
            _items.Enqueue((message, droppable));
            if (droppable)
            {
                _waitingNotifications++;
                _waitingBytes += message.Length;
                while (_waitingNotifications > MaxWaitingNotifications || (_waitingBytes > MaxWaitingBytes && _waitingNotifications > 1))
                {
                    DropOldestNotification();
                }
            }

            signal = _signal;
            _signal = null;
        }

        signal?.TrySetResult();
    }

    public void Complete()
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            _completed = true;
            signal = _signal;
            _signal = null;
        }

        signal?.TrySetResult();
    }

    /// <summary>Completes when a message is waiting or the queue is complete.</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            if (_items.Count > 0 || _completed)
            {
                return Task.CompletedTask;
            }

            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _signal.Task;
        }
    }

    /// <summary>Every message, until the queue is complete and empty.</summary>
    public async IAsyncEnumerable<byte[]> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            byte[]? next = null;
            bool done;
            lock (_lock)
            {
                if (_items.Count > 0)
                {
                    var (message, droppable) = _items.Dequeue();
                    next = message;
                    if (droppable)
                    {
                        _waitingNotifications--;
                        _waitingBytes -= message.Length;
                    }
                }

                done = next is null && _completed;
            }

            if (next is not null)
            {
                yield return next;
                continue;
            }

            if (done)
            {
                yield break;
            }

            await WaitAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void DropOldestNotification()
    {
        if (_items.Peek().Droppable)
        {
            Forget(_items.Dequeue().Message);
            return;
        }

        // A request to the client waits at the head (rare: its handler awaits the answer); keep it and its order.
        var kept = new Queue<(byte[] Message, bool Droppable)>(_items.Count);
        var dropped = false;
        foreach (var item in _items)
        {
            if (!dropped && item.Droppable)
            {
                Forget(item.Message);
                dropped = true;
                continue;
            }

            kept.Enqueue(item);
        }

        _items = kept;
    }

    private void Forget(byte[] notification)
    {
        _waitingNotifications--;
        _waitingBytes -= notification.Length;
        Dropped++;
    }
}
