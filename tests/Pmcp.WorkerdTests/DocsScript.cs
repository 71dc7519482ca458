using System.Text;
using Pmcp.Testing;

namespace Pmcp.WorkerdTests;

/// <summary>
/// The shell commands of one docs file's ```bash blocks, read from the markdown itself and walked in order by a test:
/// each step names the command it expects next (so a changed, added or removed command fails the test until the test
/// says how it is run), then runs it, reuses what a fixture already ran, or records why it cannot run here. Commands
/// run as written, through bash, in the folder the docs' <c>cd</c> lines lead to; <c>dotnet pmcp</c> is this checkout's
/// CLI through a <c>dotnet-pmcp</c> launcher first on PATH, as an installed tool is found.
/// </summary>
internal sealed partial class DocsScript
{
    private readonly List<string> _commands;
    private readonly string _file;
    private int _next;

    private DocsScript(string file, List<string> commands, string workingDirectory)
    {
        _file = file;
        _commands = commands;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>Where the next command runs: the starting folder, then wherever the docs' <c>cd</c> went.</summary>
    public string WorkingDirectory { get; private set; }

    /// <summary>The commands the test recorded as not runnable here, with the reason.</summary>
    public Dictionary<string, string> NotRun { get; } = new(StringComparer.Ordinal);

    /// <summary>The docs file (README.md, docs/….md) from the checkout, to be walked from <paramref name="workingDirectory"/>.</summary>
    public static DocsScript Of(string file, string workingDirectory) =>
        new(file, [.. Commands(File.ReadAllText(Path.Combine(RepoPaths.Root, file)))], workingDirectory);

    /// <summary>The docs files (relative to the checkout, / separated) that have shell examples.</summary>
    public static IEnumerable<string> FilesWithCommands() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md")
            .Prepend(Path.Combine(RepoPaths.Root, "README.md"))
            .Where(path => Commands(File.ReadAllText(path)).Any())
            .Select(path => Path.GetRelativePath(RepoPaths.Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    /// <summary>The commands of the ```bash blocks: comments removed, a line ending in \ joined with the next.</summary>
    public static IEnumerable<string> Commands(string markdown) => DocsShell.Commands(markdown);

    /// <summary>The next command, which must be <paramref name="expected"/>; the caller checks what a fixture printed for it.</summary>
    public string Reused(string expected) => Take(expected);

    /// <summary>The next command, <paramref name="expected"/>, is one that cannot run here, for <paramref name="reason"/>.</summary>
    public void NotRunHere(string expected, string reason)
    {
        Assert.False(string.IsNullOrWhiteSpace(reason));
        NotRun[Take(expected)] = reason;
    }

    /// <summary>The next command is <c>cd FOLDER</c>: later commands run there.</summary>
    public void Cd(string expected)
    {
        var command = Take(expected);
        Assert.StartsWith("cd ", command, StringComparison.Ordinal);
        WorkingDirectory = Path.GetFullPath(Path.Combine(WorkingDirectory, command[3..].Trim()));
        Assert.True(Directory.Exists(WorkingDirectory), $"{_file}: `{command}`: there is no {WorkingDirectory}");
    }

    /// <summary>The next command's words after <c>dotnet pmcp</c>, for a test that starts it itself (a long-running one).</summary>
    public string[] PmcpArguments(string expected)
    {
        var command = Take(expected);
        var words = DocsShell.Words(command);
        Assert.True(words is ["dotnet", "pmcp", ..], $"{_file}: `{command}` is not a dotnet pmcp command");
        return words[2..];
    }

    /// <summary>
    /// Runs the next command, <paramref name="expected"/>, as written (after <paramref name="substitute"/>, for a port)
    /// through bash; it must exit with 0. Returns what it printed, standard output then standard error.
    /// </summary>
    public async Task<string> RunAsync(
        string expected, IReadOnlyDictionary<string, string>? environment = null, string? standardInput = null, Func<string, string>? substitute = null)
    {
        var command = Take(expected);
        var line = substitute is null ? command : substitute(command);
        var (exitCode, stdout, stderr) = await TestProcess.RunAsync(
            "bash", ["-c", line], WorkingDirectory, TimeSpan.FromMinutes(10), Environment(environment), standardInput);
        Assert.True(exitCode == 0, $"{_file}: `{line}` failed ({exitCode}) in {WorkingDirectory}:\n{stdout}\n{stderr}");
        return stdout + stderr;
    }

    /// <summary>
    /// Runs the next command as written with a terminal (util-linux <c>script</c>): once it shows
    /// <paramref name="prompt"/>, types <paramref name="answer"/> until the terminal echoes it after the prompt (a
    /// program may drop what was typed before it started to read), then Enter. It must exit with 0.
    /// </summary>
    public async Task<string> RunInTerminalAsync(string expected, string prompt, string answer, IReadOnlyDictionary<string, string>? environment = null)
    {
        var command = Take(expected);
        using var process = TestProcess.Start("script", ["--quiet", "--return", "--command", command, "/dev/null"], WorkingDirectory, Environment(environment), redirectInput: true);
        var output = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginErrorReadLine();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, read);
                }
            }
        });
        string Printed()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        var answered = false;
        var answeredAt = -1; // the prompt last answered: one asked again (an answer it did not take) is answered again
        while (!process.HasExited)
        {
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{_file}: `{command}` did not finish within 5 minutes:\n{Printed()}");
            }

            var printed = Printed();
            var asked = printed.LastIndexOf(prompt, StringComparison.Ordinal);
            if (asked > answeredAt)
            {
                var echoed = printed[(asked + prompt.Length)..].Contains(answer, StringComparison.Ordinal);
                await process.StandardInput.WriteAsync(echoed ? "\r" : answer);
                await process.StandardInput.FlushAsync();
                if (echoed)
                {
                    answered = true;
                    answeredAt = asked;
                }
            }

            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(1000));
        }

        process.WaitForExit();
        await reading;
        Assert.True(answered, $"{_file}: `{command}` was not answered at `{prompt}`:\n{Printed()}");
        Assert.True(process.ExitCode == 0, $"{_file}: `{command}` failed ({process.ExitCode}) in {WorkingDirectory}:\n{Printed()}");
        return Printed();
    }

    /// <summary>Every command of the file was run, reused or listed: nothing in the docs went untested.</summary>
    public void AssertAllWalked() =>
        Assert.True(_next == _commands.Count, $"{_file}: commands no test runs: {string.Join(" | ", _commands.Skip(_next))}");

    /// <summary>The test's environment for a command: the launcher first on PATH, the test tools folder, and <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string>(WorkerdFixture.Environment)
        {
            ["PATH"] = PmcpLauncher.Folder + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return environment;
    }

    private string Take(string expected)
    {
        Assert.True(_next < _commands.Count, $"{_file}: the test expects `{expected}`, but the docs have no more commands");
        var command = _commands[_next++];
        Assert.True(command == expected, $"{_file}: command {_next} is `{command}`, but the test runs `{expected}`: update the test to run what the docs say");
        return command;
    }
}
