using System.Globalization;

namespace Pmcp.LoadBench;

/// <summary>A server process's memory and CPU as Linux reports them in /proc.</summary>
internal static class ProcessStats
{
    // USER_HZ: the unit of utime and stime, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100.0;

    /// <summary>Peak resident set size (VmHWM) and current resident set size (VmRSS), in bytes.</summary>
    public static (long PeakRss, long Rss) Memory(int pid)
    {
        long peak = 0, current = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = Kilobytes(line) * 1024;
            }
        }

        return (peak, current);
    }

    /// <summary>User plus system CPU time the process has used so far (utime + stime).</summary>
    public static TimeSpan Cpu(int pid)
    {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// Busy, interrupt (irq + softirq) and total time of one CPU so far, in USER_HZ ticks, from its line in /proc/stat
    /// (idle and iowait are not busy; interrupts are part of busy).
    /// </summary>
    public static (long Busy, long Interrupts, long Total) CpuTimes(int cpu)
    {
        var prefix = $"cpu{cpu.ToString(CultureInfo.InvariantCulture)} ";
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (total - fields[3] - fields[4], fields[5] + fields[6], total);
    }

    /// <summary>The shares of one CPU that were busy (anything) and in interrupts between two <see cref="CpuTimes"/> readings.</summary>
    public static (double Busy, double Interrupts) Shares((long Busy, long Interrupts, long Total) before, (long Busy, long Interrupts, long Total) after)
    {
        double total = after.Total - before.Total;
        return total <= 0 ? (double.NaN, double.NaN) : ((after.Busy - before.Busy) / total, (after.Interrupts - before.Interrupts) / total);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
