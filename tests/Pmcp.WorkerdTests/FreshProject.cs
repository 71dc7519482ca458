using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The first steps of docs/deploying.md's walkthrough, run once in a fresh folder outside the checkout: <c>new my-server</c>,
/// <c>deploy init</c> and <c>deploy build</c>. The docs tests (DocsCommandsTests) check what they printed and go on from
/// there; the deploy tests reuse the bundle they built.
/// </summary>
public sealed class FreshProject : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pmcp-fresh-");
    private readonly Dictionary<string, Task<string>> _ran = new(StringComparer.Ordinal);

    /// <summary>The folder <c>new my-server</c> ran in.</summary>
    public string Root => _root.FullName;

    /// <summary>The solution folder <c>new</c> made: <c>&lt;temp&gt;/my-server</c>.</summary>
    public string Folder => Path.Combine(_root.FullName, "my-server");

    /// <summary>The server project inside it: <c>src/MyServer</c>.</summary>
    public string ProjectDirectory => Path.Combine(Folder, "src", "MyServer");

    public string NewOutput { get; private set; } = "";

    public string InitOutput { get; private set; } = "";

    public string BuildOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        NewOutput = await RunAsync(_root.FullName, "new", "my-server");
        InitOutput = await RunAsync(Folder, "deploy", "init", "src/MyServer", "--target", "cloudflare-workers");
        BuildOutput = await RunAsync(Folder, "deploy", "build", "src/MyServer", "--target", "cloudflare-workers");
    }

    /// <summary>
    /// A command that several docs show, run in this project once: the first caller runs it (<paramref name="run"/>),
    /// later ones get its output (after <paramref name="reuse"/>).
    /// </summary>
    public Task<string> OnceAsync(string command, Func<Task<string>> run, Action reuse)
    {
        lock (_ran)
        {
            if (_ran.TryGetValue(command, out var ran))
            {
                reuse();
                return ran;
            }

            return _ran[command] = run();
        }
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Runs <c>dotnet pmcp ARGUMENTS</c> in <paramref name="workingDirectory"/>; it must succeed. Returns what it printed.</summary>
    public static async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(
            "dotnet", [CliProcess.CliAssembly, .. arguments], workingDirectory, TimeSpan.FromMinutes(10), WorkerdFixture.Environment);
        Assert.True(exitCode == 0, $"dotnet pmcp {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        return stdout + stderr;
    }
}
