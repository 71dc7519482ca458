using System.Runtime.Versioning;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Host operations in flight inside workerd, by number: every request-owned I/O step (sockets, fetches, R2 streams, a
/// streamed body's drain). The JS host runs each in the context of the request that owns the resource and reports its
/// outcome through <see cref="WorkerExports.OperationDone"/>; a Task returned straight from a JSImport would belong to
/// whichever request's context .NET happened to run in, and could be dropped with it.
/// </summary>
[SupportedOSPlatform("browser")]
internal static class HostOperations
{
    // One thread inside workerd; the lock only keeps the table sound should that ever change.
    private static readonly Lock Gate = new();
    private static readonly Dictionary<int, TaskCompletionSource<int>> Pending = [];
    private static int _next;

    /// <summary>
    /// Starts an operation: <paramref name="submit"/> hands its number to the host and returns null, or why it could not
    /// start. Cancelling stops the wait, not the operation; the resource is then unusable, and its owner closes it.
    /// </summary>
    public static async Task<int> RunAsync(Func<int, string?> submit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<int>();
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

        using (cancellationToken.Register(() =>
        {
            Forget(operation);
            completion.TrySetCanceled(cancellationToken);
        }))
        {
            return await completion.Task.ConfigureAwait(false);
        }
    }

    public static void Complete(int operation, string? error, int value)
    {
        TaskCompletionSource<int>? completion;
        lock (Gate)
        {
            if (!Pending.Remove(operation, out completion))
            {
                return; // cancelled meanwhile
            }
        }

        if (error is null)
        {
            completion.TrySetResult(value);
        }
        else
        {
            completion.TrySetException(new HostOperationException(error));
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
