using System.Text;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// wrangler.toml's <c>[build]</c> section, as the chapter writes it: <c>wrangler dev</c> and <c>wrangler deploy</c> run
/// straight from <c>.pmcp/workers</c> rebuild the Worker first with <c>dotnet pmcp deploy build</c>, and <c>wrangler
/// dev</c> rebuilds when a source of the project changes. <c>dotnet pmcp deploy</c> and <c>dev</c> build before running
/// wrangler and tell this command not to build again (<see cref="NestedBuild"/>).
/// </summary>
internal static class WranglerBuildSection
{
    /// <summary>
    /// Run by wrangler in the folder it was started in: <c>.pmcp/workers</c>, two levels below the project, as the
    /// chapter runs it. <c>dotnet pmcp</c> is the installed tool (<c>dotnet tool install -g Pmcp.Cli</c>).
    /// </summary>
    public const string Command = "dotnet pmcp deploy build ../.. --target cloudflare-workers";

    /// <summary>What is never a source: build output, and dot-folders (.pmcp with the bundle, .vs, .git, …).</summary>
    private static readonly string[] NotSources = ["bin", "obj", "node_modules", "TestResults"];

    /// <summary>
    /// The project folder's own entries that wrangler dev watches: its files and source folders, not bin/, obj/ or
    /// .pmcp/ (the build writes there, and watching them would rebuild forever: wrangler's watcher has no ignore list).
    /// A file added at the top of the project is watched from the next build, which regenerates the list.
    /// </summary>
    public static IReadOnlyList<string> Sources(string projectDirectory) => Directory.Exists(projectDirectory)
        ? [.. Directory.EnumerateFileSystemEntries(projectDirectory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !name.StartsWith('.') && !NotSources.Contains(name, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The section, with <paramref name="sources"/> (names in the project folder) as <c>watch_dir</c>.</summary>
    public static string Text(IReadOnlyList<string> sources)
    {
        var text = new StringBuilder("""
            # wrangler dev / wrangler deploy run from this folder build the Worker first, and wrangler dev again when a
            # source changes. dotnet pmcp dev and deploy build before running wrangler, and this command then does nothing.
            [build]

            """);
        text.Append(TomlText.Line("command", Command));
        text.Append("watch_dir = [").AppendJoin(", ", sources.Select(s => TomlText.String("../../" + s))).Append("]\n");
        return text.ToString();
    }
}
