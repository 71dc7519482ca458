using Pmcp.Testing;

namespace Pmcp.Cli.Commands.Tests;

/// <summary>Runs the built <c>dotnet pmcp</c> to completion, keeping standard output and standard error apart.</summary>
internal static class Cli
{
    public static Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(workingDirectory, new Dictionary<string, string>(), arguments);

    public static Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, .. arguments], workingDirectory, TimeSpan.FromMinutes(2), environment);
}
