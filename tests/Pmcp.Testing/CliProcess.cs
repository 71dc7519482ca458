using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmcp.Testing;

/// <summary>Runs <c>dotnet pmcp</c> (the built CLI of this checkout) as a separate process, the way a user runs it.</summary>
public sealed partial class CliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _endpoint.TrySetException(new InvalidOperationException($"dotnet pmcp exited with {process.ExitCode}:\n{Output}"));
    }

    /// <summary>The CLI's process id.</summary>
    public int Id => _process.Id;


    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The CLI built next to these tests, in the same configuration.</summary>
    public static string CliAssembly
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = Path.Combine(RepoPaths.Root, "src", "Pmcp.Cli", "bin", configuration, "net10.0", "dotnet-pmcp.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the CLI is not at " + path);
        }
    }

    public static CliProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    public static CliProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        StartIn(RepoPaths.Root, environment, arguments);

    /// <summary>Starts the CLI in <paramref name="workingDirectory"/>, as a user in that folder would.</summary>
    public static CliProcess StartIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new(TestProcess.Start("dotnet", [CliAssembly, .. arguments], workingDirectory, environment));

    /// <summary>Starts an installed <c>dotnet-pmcp</c> (a tool's executable), not the one built in this checkout.</summary>
    public static CliProcess StartInstalled(string executable, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        new(TestProcess.Start(executable, arguments, workingDirectory, environment));

    /// <summary>
    /// Starts the CLI as a terminal's foreground job runs, with SIGINT at its default disposition, so that
    /// <see cref="InterruptAsync"/> is Ctrl+C however the tests were started: from a non-interactive shell's background
    /// job (<c>dotnet test … &amp;</c>) every process inherits SIGINT ignored, and .NET cannot undo that. coreutils'
    /// <c>env --default-signal</c> resets it before it runs dotnet (Linux; elsewhere the CLI starts as it is).
    /// </summary>
    public static CliProcess StartAsTerminalJob(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        OperatingSystem.IsLinux()
            ? new(TestProcess.Start("env", ["--default-signal=INT", "dotnet", CliAssembly, .. arguments], workingDirectory, environment))
            : StartIn(workingDirectory, environment, arguments);

    /// <summary>Runs the CLI to completion.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), timeout, arguments);

    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        await using var cli = Start(environment, arguments);
        using var cts = new CancellationTokenSource(timeout);
        await cli._process.WaitForExitAsync(cts.Token);
        cli._process.WaitForExit();
        return (cli._process.ExitCode, cli.Output);
    }

    /// <summary>Waits for the line that announces the MCP endpoint and returns its URL.</summary>
    public Task<string> EndpointAsync(TimeSpan timeout) => _endpoint.Task.WaitAsync(timeout);

    /// <summary>
    /// Sends SIGINT, as Ctrl+C in a terminal does, and waits for the exit code. Start the CLI with
    /// <see cref="StartAsTerminalJob"/>, or a test run from a background job sends a signal the CLI ignores.
    /// </summary>
    public Task<int> InterruptAsync(TimeSpan timeout) => SignalAsync(2, timeout);

    /// <summary>Sends SIGTERM, as scripts, CI systems and service managers stop a program, and waits for the exit code.</summary>
    public Task<int> StopAsync(TimeSpan timeout) => SignalAsync(15, timeout);

    /// <summary>Waits for the CLI to finish on its own and returns its exit code, with all its output collected.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => WaitForExitAsync(timeout, $"did not finish within {timeout}");

    private Task<int> SignalAsync(int signal, TimeSpan timeout)
    {
        Assert.Equal(0, Kill(_process.Id, signal));
        return WaitForExitAsync(timeout, $"did not exit within {timeout} of signal {signal}");
    }

    private async Task<int> WaitForExitAsync(TimeSpan timeout, string failure)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"dotnet pmcp {failure}. Output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string marker = "MCP endpoint: ";
        if (line.StartsWith(marker, StringComparison.Ordinal))
        {
            _endpoint.TrySetResult(line[marker.Length..].Trim());
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
