namespace Pmcp.Workers.DurableObjects;

/// <summary>What the runtime says about an alarm it is running (<see cref="DurableObject.AlarmAsync"/>).</summary>
/// <param name="RetryCount">0 the first time; 1, 2, … when an earlier run of this alarm threw and it is run again.</param>
public sealed record AlarmInfo(int RetryCount)
{
    /// <summary>True when an earlier run of this alarm failed.</summary>
    public bool IsRetry => RetryCount > 0;
}
