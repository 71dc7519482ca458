namespace Pmcp.Cli.Deploy;

/// <summary>
/// How <c>dotnet pmcp deploy</c> and <c>dev</c> run wrangler, whose <c>[build] command</c> (<see cref="WranglerBuildSection"/>)
/// is <c>dotnet pmcp deploy build</c>: they build first, so that command must not build again, and it must reach this
/// CLI even where <c>dotnet pmcp</c> is not installed (a checkout's build, a test). While wrangler runs, this process's
/// environment (which wrangler and its build command inherit) carries:
/// <list type="bullet">
/// <item><see cref="Variable"/>, naming a one-time marker file: the nested build finds it, deletes it and does nothing.
/// One time only, so that <c>wrangler dev</c>'s later builds (a source changed) do build. When <c>dev</c> serves other
/// Workers beside this one (service bindings), each was built too, and there is one marker per Worker.</item>
/// <item>a folder first on <c>PATH</c> holding a <c>dotnet-pmcp</c> launcher of this very CLI, which <c>dotnet pmcp</c>
/// finds on <c>PATH</c>.</item>
/// </list>
/// </summary>
internal static class NestedBuild
{
    public const string Variable = "PMCP_BUNDLE_JUST_BUILT";

    private const string MarkerName = "bundle-just-built";

    /// <summary>Sets up this process's environment for running wrangler until disposed.</summary>
    /// <param name="bundles">How many bundles were just built (the nested builds to skip): one per Worker wrangler serves.</param>
    public static Scope Create(int bundles = 1)
    {
        var folder = Directory.CreateTempSubdirectory("pmcp-wrangler-").FullName;
        var marker = Path.Combine(folder, MarkerName);
        File.WriteAllText(marker, "");
        for (var i = 2; i <= bundles; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"{MarkerName}.{i}"), "");
        }

        WriteLauncher(folder);
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", folder + Path.PathSeparator + path);
        Environment.SetEnvironmentVariable(Variable, marker);
        return new Scope(folder, path);
    }

    /// <summary>
    /// True (and one marker is used up) when the bundle was just built by the command that runs this one. Nested builds
    /// of several Workers may run at once: each claims a marker by renaming it, which only one of them can do.
    /// </summary>
    public static bool Consume()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path) || Path.GetDirectoryName(path) is not { } folder || !Directory.Exists(folder))
        {
            return false;
        }

        // The marker the variable names, then its siblings (marker.2, marker.3, …: one per further Worker).
        var name = Path.GetFileName(path);
        var markers = Directory.GetFiles(folder, name + ".*").Where(m => !m.EndsWith(".used", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Prepend(path);
        foreach (var marker in markers)
        {
            try
            {
                File.Move(marker, marker + ".used");
                return true;
            }
            catch (IOException)
            {
                // Claimed by another nested build meanwhile (or never there): try the next.
            }
        }

        return false;
    }

    /// <summary><c>dotnet-pmcp</c>: this CLI, run as it is running now (<c>dotnet dotnet-pmcp.dll</c> or the tool's own executable).</summary>
    private static void WriteLauncher(string folder)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var viaDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        var assembly = Path.Combine(AppContext.BaseDirectory, "dotnet-pmcp.dll");
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(Path.Combine(folder, "dotnet-pmcp.cmd"), $"@\"{host}\" {(viaDotnet ? $"\"{assembly}\" " : "")}%*\r\n");
            return;
        }

        var launcher = Path.Combine(folder, "dotnet-pmcp");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec '{host}' {(viaDotnet ? $"'{assembly}' " : "")}\"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Restores <c>PATH</c>, unsets <see cref="Variable"/> and deletes the marker and the launcher.</summary>
    public sealed class Scope(string folder, string? path) : IDisposable
    {
        public void Dispose()
        {
            Environment.SetEnvironmentVariable("PATH", path);
            Environment.SetEnvironmentVariable(Variable, null);
            Directory.Delete(folder, recursive: true);
        }
    }
}
