using System.Text.RegularExpressions;
using Pmcp.Testing;

namespace Pmcp.PackageTests;

/// <summary>
/// Every Pmcp package packed from this checkout's build into a folder feed, and a scratch machine around it: a HOME
/// whose NuGet configuration lists this machine's package sources plus the feed (as a user who added the feed would
/// have), an empty NuGet cache, and the CLI installed from the feed as a .NET tool. Nothing the tests run afterwards
/// comes from the checkout; only the pinned wrangler is shared, since it is the same npm package either way.
/// </summary>
public sealed partial class PackageFeed : IAsyncLifetime
{
    /// <summary>The projects that make the packages: the engine, the Workers runtime, the local host, the CLI and the templates.</summary>
    private static readonly string[] PackedProjects =
        ["src/Pmcp/Pmcp.csproj", "src/Pmcp.Workers/Pmcp.Workers.csproj", "src/Pmcp.Workers.Local/Pmcp.Workers.Local.csproj", "src/Pmcp.Cli/Pmcp.Cli.csproj", "templates/Pmcp.Templates.csproj"];

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pmcp-packages-");

    public string Feed => Path.Combine(_root.FullName, "feed");

    /// <summary>A folder outside the checkout where the tests make their projects.</summary>
    public string Work => Path.Combine(_root.FullName, "work");

    /// <summary>The installed tool's executable: what <c>dotnet pmcp</c> runs for a user who installed it.</summary>
    public string Tool => Path.Combine(_root.FullName, "tools", "dotnet-pmcp");

    public static string Version { get; } =
        VersionPattern().Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"))).Groups[1].Value;

    /// <summary>The scratch machine's environment, for every process the tests start.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Work);
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        foreach (var project in PackedProjects)
        {
            await RunAsync(RepoPaths.Root, TimeSpan.FromMinutes(3), null, "dotnet", "pack", Path.Combine(RepoPaths.Root, project), "--no-build", "-c", configuration, "-o", Feed, "-nologo");
        }

        var sources = await MachineSourcesAsync();
        var home = Path.Combine(_root.FullName, "home");
        Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet"));
        await File.WriteAllTextAsync(Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="pmcp-feed" value="{Feed}" />
            {string.Join('\n', sources.Select((s, i) => $"""    <add key="source{i}" value="{s}" />"""))}
              </packageSources>
            </configuration>
            """);
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = Path.Combine(_root.FullName, "nuget-cache"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["PMCP_SOURCE_ROOT"] = "",
            ["PMCP_TOOLS_DIR"] = Path.Combine(RepoPaths.E2e, ".pmcp-tools"),
        };

        await RunAsync(Work, TimeSpan.FromMinutes(3), Environment, "dotnet", "tool", "install", "Pmcp.Cli", "--version", Version, "--tool-path", Path.GetDirectoryName(Tool)!);
    }

    public Task DisposeAsync()
    {
        _root.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Runs the installed <c>dotnet pmcp</c> in the scratch machine; it must succeed.</summary>
    public Task<string> RunToolAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(workingDirectory, TimeSpan.FromMinutes(8), Environment, Tool, arguments);

    /// <summary>Runs a program in the scratch machine (or, with no environment, as this checkout's build); it must succeed.</summary>
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string fileName, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(fileName, arguments, workingDirectory, timeout, environment);
        Assert.True(exitCode == 0, $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed ({exitCode}):\n{stdout}\n{stderr}");
        return stdout + stderr;
    }

    /// <summary>
    /// The package sources this machine's NuGet uses, and its package cache as a local source: a fresh machine of this
    /// kind restores from them, and reading the cache first keeps the scratch restore from downloading it all again.
    /// </summary>
    private static async Task<List<string>> MachineSourcesAsync()
    {
        var listed = await RunAsync(RepoPaths.Root, TimeSpan.FromMinutes(1), null, "dotnet", "nuget", "list", "source", "--format", "short");
        var sources = listed.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .ToList();
        var cache = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Directory.Exists(cache))
        {
            sources.Insert(0, cache);
        }

        return sources;
    }

    [GeneratedRegex("<Version>(.*)</Version>")]
    private static partial Regex VersionPattern();
}
