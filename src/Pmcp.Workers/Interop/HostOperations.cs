using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Host operations in flight inside workerd, by number: every request-owned I/O step (sockets, fetches, R2 streams, a
/// streamed body's drain). The JS host runs each in the context of the request that owns the resource and reports its
/// outcome through <see cref="WorkerExports.OperationDone"/>, or with bytes for .NET through
/// <see cref="WorkerExports.OperationDelivered"/>; a Task returned straight from a JSImport would belong to whichever
/// request's context .NET happened to run in, and could be dropped with it.
/// </summary>
[SupportedOSPlatform("browser")]
internal static class HostOperations
{
    // One thread inside workerd; the lock only keeps the table sound should that ever change. Each entry is a
    // TaskCompletionSource<int> or, for operations that deliver bytes, a TaskCompletionSource<HostOutcome>.
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, object> Pending = [];
    private static int _next;

    /// <summary>
    /// Starts an operation: <paramref name="submit"/> hands its number to the host and returns null, or why it could not
    /// start. Cancelling stops the wait, not the operation; the resource is then unusable, and its owner closes it.
    /// </summary>
    public static Task<int> RunAsync(Func<int, string?> submit, CancellationToken cancellationToken) =>
        Run(new TaskCompletionSource<int>(), submit, cancellationToken);

    /// <summary>
    /// Starts an operation whose outcome may carry bytes (a binding's result, a chunk read, a request body): they arrive
    /// with the completion, one crossing, instead of being parked in the host and taken with a second call.
    /// </summary>
    public static Task<HostOutcome> RunForBytesAsync(Func<int, string?> submit, CancellationToken cancellationToken) =>
        Run(new TaskCompletionSource<HostOutcome>(), submit, cancellationToken);

    private static Task<T> Run<T>(TaskCompletionSource<T> completion, Func<int, string?> submit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int operation;
        lock (Gate)
        {
            operation = ++_next;
            Pending[operation] = completion;
        }

        if (submit(operation) is { } refused)
        {
            Forget(operation);
            throw new HostOperationException(refused);
        }

        // Most operations cannot be cancelled: their task is the completion's own, with no async frame around it (in the
        // interpreter every frame costs).
        return cancellationToken.CanBeCanceled ? WaitAsync(completion, operation, cancellationToken) : completion.Task;
    }

    private static async Task<T> WaitAsync<T>(TaskCompletionSource<T> completion, int operation, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() =>
        {
            Forget(operation);
            completion.TrySetCanceled(cancellationToken);
        }))
        {
            return await completion.Task.ConfigureAwait(false);
        }
    }

    /// <summary>An operation ended: <paramref name="error"/> says why it failed, else <paramref name="value"/> and, when the host delivers some, <paramref name="bytes"/>.</summary>
    public static void Complete(int operation, string? error, int value, byte[]? bytes = null)
    {
        object? completion;
        lock (Gate)
        {
            if (!Pending.Remove(operation, out completion))
            {
                return; // cancelled meanwhile
            }
        }

        switch (completion)
        {
            case TaskCompletionSource<int> plain when error is null:
                plain.TrySetResult(value);
                break;
            case TaskCompletionSource<int> plain:
                plain.TrySetException(new HostOperationException(error));
                break;
            case TaskCompletionSource<HostOutcome> delivering when error is null:
                delivering.TrySetResult(new HostOutcome(value, bytes));
                break;
            case TaskCompletionSource<HostOutcome> delivering:
                delivering.TrySetException(new HostOperationException(error));
                break;
        }
    }

    private static void Forget(int operation)
    {
        lock (Gate)
        {
            Pending.Remove(operation);
        }
    }
}
