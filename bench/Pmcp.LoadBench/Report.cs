using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Pmcp.LoadBench;

/// <summary>
/// The Markdown report: medians across rounds, the ratios ours/official and ours/bare, then every round. It names no machine path,
/// so it can be committed as it is.
/// </summary>
internal static class Report
{
    // Issue 13's targets for the native host: at least 3x the official SDK's requests/s, and at least 85% of a bare
    // Kestrel endpoint's (parsing the same body, writing the same answer) in the same run.
    private const double TargetOfficial = 3.0;
    private const double TargetBare = 0.85;

    public static string Render(LoadOptions options, IReadOnlyList<PeerServer> servers, IReadOnlyList<RoundResult> rounds, DateTimeOffset when, string? wrkVersion)
    {
        var text = new StringBuilder();
        var ours = servers.First(s => s.Role == PeerServer.Ours);
        text.Line($"# Native load benchmark{(options.Wrk ? " (wrk)" : "")}, {when:yyyy-MM-dd}");
        text.Line();
        text.Line($"`tools/call echo` at {options.Concurrency} concurrent keep-alive connections, {options.Rounds} rounds alternating "
            + $"{string.Join(" / ", servers.Select(s => s.Name))}, each round {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s measured.");
        text.Line();
        text.Line(options.Wrk
            ? $"- Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {RuntimeInformation.OSDescription}; the server pinned to CPU {WrkClient.ServerCpu} (`taskset -c {WrkClient.ServerCpu}`), wrk to CPU {WrkClient.ClientCpu}."
            : $"- Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {RuntimeInformation.OSDescription}; the load client and the server share it.");
        text.Line($"- Runtime: {RuntimeInformation.FrameworkDescription}, Release builds, Kestrel on 127.0.0.1 (HTTP/1.1) for all.");
        text.Line($"- All servers: {options.Gc} GC, non-concurrent; tiered PGO on; logging off (`Logging__LogLevel__Default=None`).");
        if (options.Wrk)
        {
            text.Line($"- Client: {wrkVersion}, `taskset -c {WrkClient.ClientCpu} wrk -t1 -c{options.Concurrency} -d{options.Duration.TotalSeconds:0}s --timeout 10s --latency -s echo.lua`, "
                + "the same request every time (script below). wrk reads no bodies: each server's answer to that very body is checked once (a 200 holding the message) "
                + "before its load, and non-2xx answers and socket errors count as failures. The warm-up is a wrk run of its own.");
        }
        else
        {
            text.Line("- Client: C# `HttpClient` over `SocketsHttpHandler`, one connection per worker; every answer is checked for the echoed, unique message.");
        }

        foreach (var server in servers)
        {
            text.Line($"- {server.Name}: {server.Notes}.");
        }

        text.Line();
        text.Line("## Medians across rounds");
        text.Line();
        text.Line("| Server | req/s | p50 ms | p99 ms | failures (all rounds) | server CPU µs/req | server cores busy | peak RSS MiB | cold start ms |"
            + (options.Wrk ? " CPU 0 in irq/softirq | other processes on CPU 0 | wrk cores |" : ""));
        text.Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (options.Wrk ? " ---: | ---: | ---: |" : ""));
        foreach (var server in servers)
        {
            var mine = rounds.Where(r => r.Server == server).ToList();
            text.Line($"| {server.Name} | {Median(mine, r => r.RequestsPerSecond):0} | {Median(mine, r => r.P50Ms):0.00} | {Median(mine, r => r.P99Ms):0.00} "
                + $"| {mine.Sum(r => r.Sample.Failures)} | {Median(mine, r => r.ServerCpuMicrosPerRequest):0} | {Median(mine, r => r.ServerCores):0.00} "
                + $"| {Median(mine, r => r.PeakRssBytes / 1048576.0):0.0} | {Median(mine, r => r.ColdStart.TotalMilliseconds):0} |"
                + (options.Wrk ? $" {Median(mine, r => r.Cpu0Interrupts):0.00} | {Median(mine, r => r.Cpu0Others):0.00} | {Median(mine, r => r.ClientCores):0.00} |" : ""));
        }

        text.Line();
        foreach (var (role, target) in new[] { (PeerServer.Official, TargetOfficial), (PeerServer.Bare, TargetBare) })
        {
            var peer = servers.FirstOrDefault(s => s.Role == role);
            if (peer is null)
            {
                continue;
            }

            var ratio = Median(rounds.Where(r => r.Server == ours).ToList(), r => r.RequestsPerSecond)
                / Median(rounds.Where(r => r.Server == peer).ToList(), r => r.RequestsPerSecond);
            var cpuRatio = Median(rounds.Where(r => r.Server == peer).ToList(), r => r.ServerCpuMicrosPerRequest)
                / Median(rounds.Where(r => r.Server == ours).ToList(), r => r.ServerCpuMicrosPerRequest);
            var perRound = rounds.GroupBy(r => r.Round)
                .Select(g => g.First(r => r.Server == ours).RequestsPerSecond / g.First(r => r.Server == peer).RequestsPerSecond)
                .ToList();
            text.Line($"- **Ratio ours/{role}, req/s: {ratio:0.000}×** (per round: {string.Join(", ", perRound.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))}; "
                + $"target ≥ {target:0.00}×: {(ratio >= target ? "met" : "not met")}). "
                + $"Server CPU per request, {role}/ours: {cpuRatio:0.00}×.");
        }

        text.Line();
        text.Line("## Every round");
        text.Line();
        text.Line(options.Wrk
            ? "| Round | Server | req/s | p50 ms | p99 ms | failures | server CPU µs/req | server cores | CPU 0 busy (all) | CPU 0 in irq/softirq | other processes on CPU 0 | wrk cores | CPU 1 busy (all) | peak RSS MiB | RSS at end MiB | cold start ms |"
            : "| Round | Server | req/s | p50 ms | p99 ms | failures | server CPU µs/req | server cores | client cores | peak RSS MiB | RSS at end MiB | cold start ms |");
        text.Line(options.Wrk
            ? "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            : "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rounds)
        {
            text.Line($"| {r.Round} | {r.Server.Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Sample.Failures} | {r.ServerCpuMicrosPerRequest:0} "
                + $"| {r.ServerCores:0.00} | {(options.Wrk ? $"{r.Cpu0Busy:0.00} | {r.Cpu0Interrupts:0.00} | {r.Cpu0Others:0.00} | {r.ClientCores:0.00} | {r.Cpu1Busy:0.00}" : r.ClientCores.ToString("0.00", CultureInfo.InvariantCulture))} | {r.PeakRssBytes / 1048576.0:0.0} | {r.RssBytes / 1048576.0:0.0} | {r.ColdStart.TotalMilliseconds:0} |");
        }

        var failures = rounds.Where(r => r.Sample.FirstFailure is not null).Select(r => $"{r.Server.Name}, round {r.Round}: {r.Sample.FirstFailure}").ToList();
        if (failures.Count > 0)
        {
            text.Line();
            text.Line("First failure seen:");
            foreach (var failure in failures)
            {
                text.Line($"- {failure}");
            }
        }

        text.Line();
        text.Line("Server CPU is the server process's utime + stime over the measured window (from /proc), divided by the correct answers: "
            + "it does not depend on how much CPU the client takes. Peak RSS is VmHWM at the end of the window.");
        if (options.Wrk)
        {
            text.Line();
            text.Line("With wrk, each round also reads /proc/stat over the measured window: how busy CPU 0 and CPU 1 were (anything), and how much of CPU 0 "
                + "went to interrupts (irq + softirq: mostly the kernel's loopback TCP work for the server's own traffic, which grows with req/s; when it runs "
                + "in the server's context the kernel also charges it to the server, so it overlaps server cores). **other processes on CPU 0** (CPU 0 busy "
                + "minus the server's cores) is what the rest of the machine took "
                + "from the server's core: when it is well above 0, the server was starved and its req/s says more about the machine than about the server, "
                + "while CPU µs/req still compares the stacks. CPU 0 busy near 1.00 means the server's core was the limit. "
                + "**wrk cores** is wrk's own CPU (from /proc while it runs): near 1.00 means the load generator, not the server, was the limit. "
                + "p50 and p99 are wrk's `--latency` distribution "
                + "(closed loop, no coordinated-omission correction: comparable only at equal concurrency, like the C# client's).");
            text.Line();
            text.Line("The wrk script (`echo.lua`):");
            text.Line();
            text.Line("```lua");
            text.Line(WrkClient.Script);
            text.Line("```");
        }
        return text.ToString();
    }

    private static double Median(List<RoundResult> rounds, Func<RoundResult, double> value)
    {
        var sorted = rounds.Select(value).Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    // The project runs with invariant globalization, so numbers read the same on every machine.
    private static void Line(this StringBuilder text, string line) => text.Append(line).Append('\n');

    private static void Line(this StringBuilder text) => text.Append('\n');
}
