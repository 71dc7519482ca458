using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Pmcp.LoadBench;

/// <summary>
/// Load from wrk (one thread, pinned to CPU 1 while the server is pinned to CPU 0): a Lua script POSTs the same
/// <c>tools/call echo</c> body with the same headers as the C# client, every request alike. wrk reads no bodies, so each
/// server's answer to that very body is checked once beforehand (<see cref="VerifyAsync"/>); non-2xx answers and socket
/// errors are the failures.
/// </summary>
internal static partial class WrkClient
{
    public const string ServerCpu = "0";
    public const string ClientCpu = "1";
    public const string Message = "wrk-echo-0001";

    /// <summary>The Lua script given to wrk; the report prints it.</summary>
    public static string Script { get; } = $$"""
        wrk.method = "POST"
        wrk.body = '{{EchoRequest.Body(Message)}}'
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Accept"] = "application/json, text/event-stream"
        wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
        """;

    /// <summary>Null when wrk and taskset can run here with two cores, otherwise why not and how to get them.</summary>
    public static string? Unavailable()
    {
        if (Environment.ProcessorCount < 2)
        {
            return $"--wrk pins the server to CPU {ServerCpu} and wrk to CPU {ClientCpu}, so it needs at least 2 cores (this machine has {Environment.ProcessorCount})";
        }

        foreach (var tool in (string[])["taskset", "wrk"])
        {
            if (Version(tool, "--version") is null)
            {
                return tool == "wrk"
                    ? "wrk is not installed (or not on PATH). Install it: Debian/Ubuntu `sudo apt-get install -y wrk`, Fedora `sudo dnf install wrk`, "
                        + "macOS `brew install wrk` (but --wrk needs Linux's taskset), or build it from source (github.com/wg/wrk, `make`, then put `wrk` on PATH)"
                    : "taskset is not installed (or not on PATH); it comes with util-linux (Debian/Ubuntu: `sudo apt-get install -y util-linux`)";
            }
        }

        return null;
    }

    /// <summary>wrk's version line, for the report.</summary>
    public static string WrkVersion() =>
        Version("wrk", "--version") is { } line ? line.Split(" Copyright", 2)[0].Trim() : "wrk (version unknown)";

    /// <summary>Posts the wrk body once with the same headers; null if the answer is a 200 holding the message, else what came back.</summary>
    public static async Task<string?> VerifyAsync(Uri endpoint)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = EchoRequest.Create(endpoint, Message);
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return EchoRequest.IsCorrect(response, body, Message)
            ? null
            : $"the wrk body was answered wrongly: {(int)response.StatusCode} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)))}";
    }

    /// <summary>
    /// Runs <c>taskset -c 1 wrk -t1 -cN -dS --latency -s script URL</c> and reads its summary; also wrk's own CPU, read from
    /// /proc every 100 ms while it runs (the last reading, so it misses at most the final 100 ms).
    /// </summary>
    public static async Task<(LoadSample Sample, TimeSpan WrkCpu)> RunAsync(Uri endpoint, int connections, TimeSpan duration, string scriptPath)
    {
        var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        var start = new ProcessStartInfo("taskset")
        {
            ArgumentList =
            {
                "-c", ClientCpu, "wrk", "-t1", $"-c{connections.ToString(CultureInfo.InvariantCulture)}",
                $"-d{seconds.ToString(CultureInfo.InvariantCulture)}s", "--timeout", "10s", "--latency", "-s", scriptPath, endpoint.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var cpu = TimeSpan.Zero;
        var exited = process.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            try
            {
                cpu = ProcessStats.Cpu(process.Id);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // wrk has just exited: keep the last reading.
            }

            await Task.WhenAny(exited, Task.Delay(100)).ConfigureAwait(false);
        }

        await exited.ConfigureAwait(false);
        var text = await output.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with code {process.ExitCode}: {text}{await error.ConfigureAwait(false)}");
        }

        return (Parse(text), cpu);
    }

    /// <summary>Reads wrk's summary: "N requests in S s", the latency distribution, non-2xx answers and socket errors.</summary>
    public static LoadSample Parse(string text)
    {
        var total = TotalLine().Match(text);
        if (!total.Success)
        {
            throw new InvalidOperationException($"cannot read wrk's output: {text}");
        }

        var requests = long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        var elapsed = Duration(total.Groups[2].Value, total.Groups[3].Value);
        var non2xx = NonSuccessLine().Match(text) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrorsLine().Match(text);
        var socketErrors = socket.Success
            ? Enumerable.Range(1, 4).Sum(i => long.Parse(socket.Groups[i].Value, CultureInfo.InvariantCulture))
            : 0;
        var percentiles = new Dictionary<double, double>();
        foreach (Match line in PercentileLine().Matches(text))
        {
            percentiles[double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture)] =
                Duration(line.Groups[2].Value, line.Groups[3].Value).TotalMilliseconds;
        }

        var failures = non2xx + socketErrors;
        string? first = failures == 0 ? null
            : $"wrk: {non2xx.ToString(CultureInfo.InvariantCulture)} non-2xx answers, socket errors: {(socket.Success ? socket.Value.Trim() : "none")}";
        return new LoadSample((int)(requests - non2xx), (int)failures, elapsed, [], first) { Percentiles = percentiles };
    }

    private static TimeSpan Duration(string number, string unit)
    {
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => TimeSpan.FromMicroseconds(value),
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            _ => throw new InvalidOperationException($"unknown unit in wrk's output: {number}{unit}"),
        };
    }

    private static string? Version(string tool, string flag)
    {
        try
        {
            var start = new ProcessStartInfo(tool) { ArgumentList = { flag }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? tool;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m|h),")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccessLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex PercentileLine();
}
