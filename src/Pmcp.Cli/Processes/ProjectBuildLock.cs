namespace Pmcp.Cli.Processes;

/// <summary>
/// One build of a project at a time across processes: two <c>dotnet pmcp</c> commands building the same project (a
/// <c>dev</c> in each of two terminals, a test suite's parallel runs) would otherwise write the same <c>obj/</c> files at
/// once and fail. The lock is a file under the project's <c>obj/pmcp</c>, held open exclusively; the operating system
/// releases it if the process dies, so a crash never leaves the project locked.
/// </summary>
internal sealed class ProjectBuildLock : IDisposable
{
    private readonly FileStream _file;

    private ProjectBuildLock(FileStream file) => _file = file;

    /// <summary>Waits until no other process builds <paramref name="projectDirectory"/>; <paramref name="waiting"/> is told once if it has to wait.</summary>
    public static async Task<ProjectBuildLock> AcquireAsync(string projectDirectory, Action waiting, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(projectDirectory, "obj", "pmcp");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "build.lock");
        var told = false;
        while (true)
        {
            try
            {
                return new ProjectBuildLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!told)
                {
                    waiting();
                    told = true;
                }

                await Task.Delay(250, cancellationToken);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
