using System.Text.Json;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>One run of the built <c>dotnet pmcp test check</c>: its exit code, its output, and (for --format json) its checks.</summary>
internal sealed record CheckRun(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Runs <c>dotnet pmcp test check</c> with <paramref name="arguments"/> from the checkout's root.</summary>
    public static async Task<CheckRun> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, "test", "check", .. arguments], RepoPaths.Root, timeout, environment);
        return new CheckRun(exitCode, stdout, stderr);
    }

    public static Task<CheckRun> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string>(), TimeSpan.FromMinutes(2), arguments);

    /// <summary>Runs <c>dotnet pmcp test ARGUMENTS</c> (another test command) with the suite's tools cache.</summary>
    public static Task<CheckRun> TestAsync(TimeSpan timeout, params string[] arguments) => TestAsync(timeout, new Dictionary<string, string>(), arguments);

    /// <summary>Runs <c>dotnet pmcp test ARGUMENTS</c> with the suite's tools cache and <paramref name="variables"/> set.</summary>
    public static async Task<CheckRun> TestAsync(TimeSpan timeout, IReadOnlyDictionary<string, string> variables, string[] arguments)
    {
        var environment = new Dictionary<string, string>(variables) { ["PMCP_TOOLS_DIR"] = Path.Combine(RepoPaths.E2e, ".pmcp-tools") };
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync("dotnet", [CliProcess.CliAssembly, "test", .. arguments], RepoPaths.Root, timeout, environment);
        return new CheckRun(exitCode, stdout, stderr);
    }

    /// <summary>The checks of a --format json run, by outcome ("pass", "warn", "fail", "skip").</summary>
    public IReadOnlyList<(string Name, string Outcome, string Reason)> Checks()
    {
        using var document = JsonDocument.Parse(StdOut);
        return [.. document.RootElement.GetProperty("checks").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("outcome").GetString()!, c.GetProperty("reason").GetString()!))];
    }

    /// <summary>The names of the checks that failed.</summary>
    public IReadOnlyList<string> Failed() => [.. Checks().Where(c => c.Outcome == "fail").Select(c => c.Name)];

    /// <summary>Everything printed, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n{StdOut}\n{StdErr}";
}
