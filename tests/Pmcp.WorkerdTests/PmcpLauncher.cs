using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// A folder holding a <c>dotnet-pmcp</c> launcher of this checkout's CLI, made once per test run: first on PATH, it
/// makes <c>dotnet pmcp</c> reach that CLI as an installed tool is reached.
/// </summary>
internal static class PmcpLauncher
{
    private static readonly Lazy<string> Made = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("pmcp-test-tool-").FullName;
        var launcher = Path.Combine(folder, "dotnet-pmcp");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec dotnet '{CliProcess.CliAssembly}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    });

    public static string Folder => Made.Value;
}
