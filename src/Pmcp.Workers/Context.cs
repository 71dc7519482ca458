namespace Pmcp.Workers;

/// <summary>The request's execution context: work that may outlive the response.</summary>
public sealed class Context(Action<Task>? waitUntil = null)
{
    /// <summary>Keeps the Worker alive until <paramref name="task"/> ends, after the response is sent (logging, cache writes).</summary>
    public void WaitUntil(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (waitUntil is null)
        {
            _ = task; // natively the process outlives the request anyway
            return;
        }

        waitUntil(task);
    }
}
