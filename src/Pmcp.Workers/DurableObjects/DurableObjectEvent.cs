using Pmcp.Workers.Http;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// The event a Durable Object is handling, carried through its awaits: which environment it sees and which objects are
/// waiting on it (a call back into one of them must not wait for itself: see <see cref="IsOnCallPath"/>).
/// </summary>
internal static class DurableObjectEvent
{
    private static readonly AsyncLocal<Frame?> Current = new();

    /// <summary>The environment of the event being handled, or null outside any object's event.</summary>
    public static Env? CurrentEnv => Current.Value?.Env;

    /// <summary>True when the running code serves an event of <paramref name="objectKey"/>, or one it is waiting on.</summary>
    public static bool IsOnCallPath(string objectKey)
    {
        for (var frame = Current.Value; frame is not null; frame = frame.Caller)
        {
            if (frame.ObjectKey == objectKey)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs <paramref name="request"/> as an event of <paramref name="target"/> (an async method: the change stays within it).</summary>
    public static async Task<Response> RunAsync(DurableObject target, string objectKey, Request request, Env env)
    {
        Current.Value = new Frame(objectKey, env, Current.Value);
        return await target.FetchAsync(request).ConfigureAwait(false);
    }

    /// <summary>Runs the object's alarm handler as one of its events.</summary>
    public static async Task RunAlarmAsync(DurableObject target, string objectKey, AlarmInfo alarm, Env env)
    {
        Current.Value = new Frame(objectKey, env, Current.Value);
        await target.AlarmAsync(alarm).ConfigureAwait(false);
    }

    /// <summary>Runs one of the object's WebSocket handlers as one of its events.</summary>
    public static async Task RunWebSocketAsync(DurableObject target, string objectKey, Env env, Func<DurableObject, Task> handler)
    {
        Current.Value = new Frame(objectKey, env, Current.Value);
        await handler(target).ConfigureAwait(false);
    }

    private sealed record Frame(string ObjectKey, Env Env, Frame? Caller);
}
