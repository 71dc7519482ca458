using System.Diagnostics;
using System.Globalization;
using Pmcp.LoadBench;

// The load benchmark of bench/README.md. Run through bench/run-native-load.sh, which builds every server in Release first.
var options = LoadOptions.Parse(args, Console.Error);
if (options is null)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return args.Any(a => a is "-h" or "--help") ? 0 : 2;
}

if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("error: the load benchmark reads server CPU and RSS from /proc, so it runs on Linux only");
    return 2;
}

if (options.Wrk && WrkClient.Unavailable() is { } missing)
{
    Console.Error.WriteLine($"error: {missing}");
    return 2;
}

var root = RepositoryRoot();
string? script = null;
if (options.Wrk)
{
    script = Path.Combine(Path.GetTempPath(), $"pmcp-loadbench-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.lua");
    await File.WriteAllTextAsync(script, WrkClient.Script + "\n");
}

var servers = PeerServer.All(root);
var results = new List<RoundResult>();
Console.WriteLine($"{options.Rounds} rounds x {servers.Count} servers, {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s at {options.Concurrency} concurrent, {options.Gc} GC"
    + (options.Wrk ? $", load from wrk on CPU {WrkClient.ClientCpu}, server on CPU {WrkClient.ServerCpu}" : ", load from the C# client"));
for (var round = 1; round <= options.Rounds; round++)
{
    foreach (var server in servers)
    {
        results.Add(await MeasureAsync(server, round, options, script));
        var r = results[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"round {round} {server.Name,-22} {r.RequestsPerSecond,8:0} req/s  p50 {r.P50Ms,6:0.00} ms  p99 {r.P99Ms,6:0.00} ms  failures {r.Sample.Failures}  server {r.ServerCpuMicrosPerRequest,4:0} µs CPU/req  peak RSS {r.PeakRssBytes / 1048576.0:0.0} MiB"));
    }
}

var now = DateTimeOffset.Now;
if (script is not null)
{
    File.Delete(script);
}

var report = Report.Render(options, servers, results, now, options.Wrk ? WrkClient.WrkVersion() : null);
Console.WriteLine();
Console.WriteLine(report);
var directory = Path.Combine(root, options.ResultsDirectory);
Directory.CreateDirectory(directory);
var file = Path.Combine(directory, $"native-load-{(options.Wrk ? "wrk-" : "")}{now:yyyy-MM-dd}.md");
await File.WriteAllTextAsync(file, report);
Console.WriteLine($"Written to {Path.GetRelativePath(root, file)}");
return results.Sum(r => r.Sample.Failures) == 0 ? 0 : 1;

static async Task<RoundResult> MeasureAsync(PeerServer server, int round, LoadOptions options, string? wrkScript)
{
    await using var process = await ServerProcess.StartAsync(server, options);
    if (wrkScript is not null)
    {
        // wrk cannot read answers: check this server's answer to the very body wrk sends, once, before the load.
        if (await WrkClient.VerifyAsync(process.Endpoint) is { } wrong)
        {
            var none = new LoadSample(0, 1, TimeSpan.FromSeconds(1), [], wrong);
            return new RoundResult(server, round, none, process.ColdStart, TimeSpan.Zero, TimeSpan.Zero, 0, 0);
        }

        if (options.Warmup >= TimeSpan.FromSeconds(1))
        {
            await WrkClient.RunAsync(process.Endpoint, options.Concurrency, options.Warmup, wrkScript);
        }

        var before = ProcessStats.Cpu(process.Pid);
        var (cpu0, cpu1) = (ProcessStats.CpuTimes(0), ProcessStats.CpuTimes(1));
        var (measured, wrkCpu) = await WrkClient.RunAsync(process.Endpoint, options.Concurrency, options.Duration, wrkScript);
        var used = ProcessStats.Cpu(process.Pid) - before;
        var (cpu0Busy, cpu0Interrupts) = ProcessStats.Shares(cpu0, ProcessStats.CpuTimes(0));
        var (cpu1Busy, _) = ProcessStats.Shares(cpu1, ProcessStats.CpuTimes(1));
        var (peakRss, endRss) = ProcessStats.Memory(process.Pid);
        return new RoundResult(server, round, measured, process.ColdStart, used, wrkCpu, peakRss, endRss, cpu0Busy, cpu0Interrupts, cpu1Busy);
    }

    using var client = new LoadClient(process.Endpoint, options.Concurrency);
    if (options.Warmup > TimeSpan.Zero)
    {
        await client.RunAsync(options.Warmup);
    }

    var serverCpu = ProcessStats.Cpu(process.Pid);
    var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var sample = await client.RunAsync(options.Duration);
    var serverCpuUsed = ProcessStats.Cpu(process.Pid) - serverCpu;
    var clientCpuUsed = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
    var (peak, rss) = ProcessStats.Memory(process.Pid);
    return new RoundResult(server, round, sample, process.ColdStart, serverCpuUsed, clientCpuUsed, peak, rss);
}

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Pmcp.slnx")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("cannot find the repository root (Pmcp.slnx) above the load benchmark's build output");
}
