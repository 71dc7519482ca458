using Pmcp.Cli.Processes;
using Spectre.Console;

namespace Pmcp.Cli.Tools;

/// <summary>
/// A wrangler command the user runs through <c>dotnet pmcp</c> (login, whoami): the pinned wrangler, installed on first
/// use, with its output relayed as it comes, its stdout to stdout and its stderr to stderr, and stopped with
/// <c>dotnet pmcp</c> on Ctrl+C or SIGTERM. No project is needed: it runs in the current folder, as wrangler would.
/// </summary>
internal static class WranglerSession
{
    /// <summary>Runs <c>wrangler ARGUMENTS</c> and returns its exit code (0 when the user stopped it).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // Progress goes to stderr: stdout is wrangler's alone, so whoami --json can be piped.
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var wrangler = await progress.Status().StartAsync("Preparing wrangler…", status =>
            ToolsCache.EnsureWranglerAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken));
        using var process = ToolsCache.StartWrangler(wrangler, arguments, Environment.CurrentDirectory);
        return await ChildProcess.RelayUntilStoppedAsync(process, (line, writer) =>
        {
            writer.WriteLine(line);
            writer.Flush();
        }, cancellationToken);
    }
}
