using Microsoft.Extensions.Hosting;
using Pmcp.Workers;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>
/// <see cref="Context.WaitUntil"/> natively: the work runs on (it is already running), a failure is logged as workerd
/// logs a rejected <c>waitUntil</c> promise, and stopping the host waits for what is still running.
/// </summary>
internal sealed class PendingWork : IHostedService
{
    private readonly HashSet<Task> _running = [];

    public void Track(Task task)
    {
        lock (_running)
        {
            _running.Add(task);
        }

        _ = task.ContinueWith(
            static (done, state) =>
            {
                var self = (PendingWork)state!;
                lock (self._running)
                {
                    self._running.Remove(done);
                }

                if (done.Exception is { } e)
                {
                    Log.Error($"pmcp: work passed to Context.WaitUntil failed: {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task[] running;
        lock (_running)
        {
            running = [.. _running];
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Failures were logged as they happened.
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout: what still runs is abandoned, as workerd abandons work past its limit.
        }
    }
}
