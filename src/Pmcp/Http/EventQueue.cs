namespace Pmcp.Http;

/// <summary>
/// The messages a request's work sends before its result (progress, logs, requests to the client), in order, for
/// one reader: the event stream. Small on purpose: one per request that may stream, so it costs little and pulls
/// in no channel library (every assembly weighs on a Worker's size and cold start).
/// </summary>
internal sealed class EventQueue
{
    private readonly Queue<byte[]> _items = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource? _signal;
    private bool _completed;

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

    /// <summary>Adds a message; after <see cref="Complete"/>, messages are dropped (MCP: nothing after the result).</summary>
    public void Enqueue(byte[] message)
    {
        TaskCompletionSource? signal;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _items.Enqueue(message);
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
                    next = _items.Dequeue();
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
}
