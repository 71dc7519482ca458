using System.ComponentModel;
using System.Diagnostics;

namespace Pmcp.Cli.Processes;

/// <summary>
/// The running programs of <c>.pmcp/dev.toml</c>'s <c>[[start]]</c>: started before the server, each output line
/// prefixed with its name, and stopped (SIGTERM, then killed after a grace period) when dev stops.
/// </summary>
internal sealed class DevCompanions : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly List<(DevCompanion Companion, Process Process)> _running = [];

    private DevCompanions()
    {
    }

    /// <summary>
    /// Starts every companion from <paramref name="projectDirectory"/> and waits for each <see cref="DevCompanion.ReadyUrl"/>.
    /// A program that cannot start, exits early or is not ready in time is a <see cref="CliException"/>, after the
    /// ones already started were stopped.
    /// </summary>
    public static async Task<DevCompanions> StartAsync(IReadOnlyList<DevCompanion> companions, string projectDirectory, CancellationToken cancellationToken)
    {
        var started = new DevCompanions();
        try
        {
            foreach (var companion in companions)
            {
                await started.StartOneAsync(companion, projectDirectory, cancellationToken);
            }

            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    private async Task StartOneAsync(DevCompanion companion, string projectDirectory, CancellationToken cancellationToken)
    {
        Process process;
        try
        {
            process = ChildProcess.Start(companion.Command[0], companion.Command.Skip(1), projectDirectory);
        }
        catch (Win32Exception e)
        {
            throw new CliException($"dev could not start [[start]] {companion.Name} ({companion.Command[0]}): {e.Message}. Is it installed and on PATH? (.pmcp/dev.toml)");
        }

        _running.Add((companion, process));
        var prefix = $"[{companion.Name}] ";
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.Out.WriteLine(prefix + e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(prefix + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Console.WriteLine($"Started {companion.Name}: {string.Join(' ', companion.Command)}");
        if (companion.ReadyUrl is { } ready)
        {
            await WaitReadyAsync(companion, process, ready, cancellationToken);
        }
    }

    private static async Task WaitReadyAsync(DevCompanion companion, Process process, Uri ready, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new CliException($"[[start]] {companion.Name} exited with code {process.ExitCode} before {ready} answered; see its output above (.pmcp/dev.toml).");
            }

            try
            {
                using var answer = await http.GetAsync(ready, cancellationToken);
                return;
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CliException($"[[start]] {companion.Name} did not answer at {ready} within {ReadyTimeout.TotalSeconds:0} s; check its ready_url and its output above (.pmcp/dev.toml).");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Stops every program still running (SIGTERM, killed with what it started after a grace period).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, process) in _running)
        {
            ChildProcess.Stop(process);
        }

        foreach (var (companion, process) in _running)
        {
            await ChildProcess.WaitOrKillAsync(process, StopGrace);
            Console.Out.WriteLine($"Stopped {companion.Name}.");
            process.Dispose();
        }

        _running.Clear();
    }
}
