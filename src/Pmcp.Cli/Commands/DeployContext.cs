using Pmcp.Cli.Deploy;
using Pmcp.Cli.Projects;
using Pmcp.Cli.Tools;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary>
/// What the subcommands acting on a deployed Worker (destroy, logs, secrets) share: the project, its wrangler.toml
/// brought up to date from deploy.toml, the Worker named by <c>--env</c>, and wrangler.
/// </summary>
internal sealed record DeployContext(ServerProject Project, DeployProject Deploy, DeployTarget Target)
{
    /// <summary>Null (after printing why) when the folder holds no server project.</summary>
    public static DeployContext? Open(DirectoryInfo location, string? environment)
    {
        var project = ServerProject.Find(location);
        if (project is null)
        {
            return null;
        }

        var deploy = new DeployProject(project.Directory, project.Name);
        if (deploy.SyncWrangler() is { } change)
        {
            Console.Error.WriteLine(change); // stdout is kept for the command's own output (JSON with --format json)
        }

        return new DeployContext(project, deploy, DeployTarget.Resolve(deploy.WranglerToml, environment));
    }

    /// <summary>wrangler, installed on first use; progress goes to stderr, so stdout holds only the command's result.</summary>
    public Task<Wrangler> WranglerAsync(CancellationToken cancellationToken) =>
        Progress.Status().StartAsync("Preparing wrangler…", status =>
            Wrangler.EnsureAsync(Deploy.WorkersDirectory, step => status.Status(Markup.Escape(step) + "…"), cancellationToken));

    private static readonly IAnsiConsole Progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>
    /// Reports a failed wrangler command (its output unless it was already shown, and a fix when one is known);
    /// returns the exit code 1.
    /// </summary>
    public static int Failed(string what, WranglerRun run, bool outputShown = false)
    {
        if (!outputShown)
        {
            Console.Error.WriteLine(run.Output.TrimEnd());
        }

        Console.Error.WriteLine($"error: {what} failed (wrangler exit code {run.ExitCode}){(outputShown ? "; its output is above" : "")}.");
        if (WranglerResults.Hint(run.Output) is { } hint)
        {
            Console.Error.WriteLine(hint);
        }

        return 1;
    }

    /// <summary>
    /// Asks before something that cannot be undone. Without a terminal to ask on, only <c>--yes</c> goes ahead, so a
    /// script never deletes by accident.
    /// </summary>
    public static bool Confirm(string question, bool yes, string yesHint)
    {
        if (yes)
        {
            return true;
        }

        if (Console.IsInputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            throw new CliException($"{question} There is no terminal to confirm on: add --yes ({yesHint}).");
        }

        return AnsiConsole.Confirm(question, defaultValue: false);
    }
}
