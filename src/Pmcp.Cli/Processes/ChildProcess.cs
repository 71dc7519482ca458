using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmcp.Cli.Processes;

/// <summary>Runs child programs (dotnet, later node and wrangler) with their output captured or streamed.</summary>
internal static partial class ChildProcess
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>
    /// Runs to completion, capturing stdout and stderr together. <paramref name="standardInput"/>, when given, is written
    /// to the child's stdin (then closed): the way to hand it a secret without putting it on its command line.
    /// <paramref name="onLine"/> sees each output line as it arrives.
    /// </summary>
    public static async Task<Result> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        string? standardInput = null,
        Action<string>? onLine = null)
    {
        using var process = Start(fileName, arguments, workingDirectory, environment, redirectInput: true);
        var output = new StringBuilder();
        var lockObject = new object();
        void Received(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lockObject)
            {
                output.AppendLine(line);
                onLine?.Invoke(line);
            }
        }

        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // stdin is always redirected, so a child never waits on the user's terminal for an answer.
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, output.ToString());
    }

    public static Process Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }

    /// <summary>How long a child has to stop after <see cref="Stop"/> before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private const int SigTerm = 15;

    /// <summary>
    /// Asks a child to shut down cleanly with SIGTERM (wrangler then stops workerd; the native host stops Kestrel).
    /// Not SIGINT: a program started from a non-interactive shell's background job inherits SIGINT ignored, and .NET
    /// cannot undo that, so a native host started by such a dev would never see it. SIGTERM is never ignored that way.
    /// </summary>
    public static void Stop(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || SendSignal(process.Id, SigTerm) != 0)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Relays a long-running child's output (each line through <paramref name="relay"/>) until it exits, or until
    /// <paramref name="cancellationToken"/> is cancelled (Ctrl+C, SIGINT or SIGTERM reached dev): then stops it
    /// (<see cref="Stop"/>), killing it with what it started if it is not gone within <see cref="StopGrace"/>. Returns
    /// the child's exit code, or 0 when it was stopped.
    /// </summary>
    public static async Task<int> RelayUntilStoppedAsync(Process process, Action<string, TextWriter> relay, CancellationToken cancellationToken)
    {
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { relay(e.Data, Console.Out); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { relay(e.Data, Console.Error); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Stop(process);
            await WaitOrKillAsync(process, StopGrace);
            Console.Out.WriteLine("Stopped.");
            return 0;
        }
    }

    /// <summary>Waits <paramref name="grace"/> for a child asked to stop (<see cref="Stop"/>) to exit, then kills it with what it started.</summary>
    public static async Task WaitOrKillAsync(Process process, TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
