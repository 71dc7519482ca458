using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare.Tests;

/// <summary>One wrangler run: its output as it comes, and the ND-JSON it wrote to its output file.</summary>
internal sealed class WranglerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _outputFile;
    private readonly string _commandLine;

    private WranglerProcess(Process process, string outputFile, string commandLine)
    {
        _process = process;
        _outputFile = outputFile;
        _commandLine = commandLine;
        process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StdOut => Read(_stdout);

    public static WranglerProcess Start(string node, string script, string directory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? stdin)
    {
        var outputFile = Path.Combine(directory, $"wrangler-output-{Guid.NewGuid():N}.ndjson");
        var info = new ProcessStartInfo(node)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["WRANGLER_OUTPUT_FILE_PATH"] = outputFile;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start wrangler.");

        // Secrets go in on stdin, never on the command line; closing it also tells wrangler there is nobody to ask.
        process.StandardInput.Write(stdin ?? "");
        process.StandardInput.Close();
        return new WranglerProcess(process, outputFile, "wrangler " + string.Join(' ', info.ArgumentList.Skip(1)));
    }

    /// <summary>Waits for wrangler to exit; on timeout kills it and fails with what it printed.</summary>
    public async Task<WranglerRun> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_commandLine} did not finish within {timeout}.\nstdout:\n{StdOut}\nstderr:\n{Read(_stderr)}");
        }

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        var entries = File.Exists(_outputFile)
            ? File.ReadAllLines(_outputFile).Where(line => line.Length > 0).Select(line => JsonNode.Parse(line)!.AsObject()).ToArray()
            : [];
        return new WranglerRun(_commandLine, _process.ExitCode, StdOut, Read(_stderr), entries);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Read(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
