using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Tests;

/// <summary>Two builds of one project wait for each other instead of writing the same obj/ files at once.</summary>
public sealed class ProjectBuildLockTests
{
    [Fact]
    public async Task ASecondBuildWaitsUntilTheFirstIsDoneAndSaysSoOnce()
    {
        using var project = new TempProject();
        var waited = 0;
        var first = await ProjectBuildLock.AcquireAsync(project.Directory, () => waited++, CancellationToken.None);

        var second = ProjectBuildLock.AcquireAsync(project.Directory, () => Interlocked.Increment(ref waited), CancellationToken.None);
        await Task.Delay(600);
        Assert.False(second.IsCompleted, "the second build must wait while the first holds the lock");
        Assert.Equal(1, Volatile.Read(ref waited));

        first.Dispose();
        using var acquired = await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, Volatile.Read(ref waited));
    }

    [Fact]
    public async Task AWaitCanBeCancelled()
    {
        using var project = new TempProject();
        using var first = await ProjectBuildLock.AcquireAsync(project.Directory, () => { }, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ProjectBuildLock.AcquireAsync(project.Directory, () => { }, cancel.Token));
    }
}
