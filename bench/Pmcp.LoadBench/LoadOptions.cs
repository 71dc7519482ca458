using System.Globalization;

namespace Pmcp.LoadBench;

/// <summary>What to run: durations, rounds, concurrency and the servers' GC mode, from the command line.</summary>
internal sealed record LoadOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public int Rounds { get; init; } = 3;

    public int Concurrency { get; init; } = 32;

    /// <summary>"workstation" (what the generated native host uses) or "server"; applied to both servers alike.</summary>
    public string Gc { get; init; } = "workstation";

    /// <summary>
    /// Drive the servers with wrk instead of the C# client: the server pinned to CPU 0, wrk (one thread) to CPU 1.
    /// </summary>
    public bool Wrk { get; init; }

    /// <summary>Where the Markdown report goes; relative to the repository root.</summary>
    public string ResultsDirectory { get; init; } = Path.Combine("bench", "results");

    public const string Usage = """
        Usage: run-native-load.sh [--wrk] [--duration SECONDS] [--warmup SECONDS] [--rounds N] [--concurrency N] [--gc workstation|server] [--results DIR]
          --wrk          load from wrk instead of the C# client: the server pinned to CPU 0 (taskset -c 0), wrk -t1 to CPU 1
                         (taskset -c 1); answers checked once per server before measuring, then non-2xx and socket errors
                         count as failures; the report goes to native-load-wrk-<date>.md
          --duration     measured seconds per round and server (default 10)
          --warmup       unmeasured seconds of the same load before each measurement (default 3)
          --rounds       rounds; each round runs every server once, alternating (default 3)
          --concurrency  concurrent client workers (wrk: connections), one keep-alive connection each (default 32)
          --gc           GC mode of both servers: workstation (default, as the generated native host) or server
          --results      folder for the Markdown report, relative to the repository root (default bench/results)
        """;

    public static LoadOptions? Parse(string[] args, TextWriter error)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                return null;
            }

            if (name == "--wrk")
            {
                options = options with { Wrk = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error.WriteLine($"error: {name} needs a value");
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--duration": options = options with { Duration = TimeSpan.FromSeconds(Positive(value)) }; break;
                case "--warmup": options = options with { Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) }; break;
                case "--rounds": options = options with { Rounds = (int)Positive(value) }; break;
                case "--concurrency": options = options with { Concurrency = (int)Positive(value) }; break;
                case "--gc" when value is "workstation" or "server": options = options with { Gc = value }; break;
                case "--results": options = options with { ResultsDirectory = value }; break;
                default:
                    error.WriteLine($"error: unknown option {name} {value}");
                    return null;
            }
        }

        return options;
    }

    private static double Positive(string value)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return number > 0 ? number : throw new FormatException($"'{value}' must be positive");
    }
}
