using System.Globalization;

namespace Pmcp.Testing;

/// <summary>The processes a process started, and theirs, read from /proc (Linux): to check that stopping one stops them all.</summary>
public static class ProcessTree
{
    /// <summary>One running process: its id and its program's name (as <c>ps</c> shows it, at most 15 characters).</summary>
    public sealed record Entry(int Id, string Name);

    /// <summary>Every live descendant of <paramref name="rootId"/>; empty where there is no /proc.</summary>
    public static IReadOnlyList<Entry> Descendants(int rootId)
    {
        var parents = new Dictionary<int, (int Parent, string Name)>();
        if (!Directory.Exists("/proc"))
        {
            return [];
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && Read(id) is { } entry)
            {
                parents[id] = entry;
            }
        }

        var found = new List<Entry>();
        var pending = new Queue<int>([rootId]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var (id, (ofParent, name)) in parents)
            {
                if (ofParent == parent)
                {
                    found.Add(new Entry(id, name));
                    pending.Enqueue(id);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Those of <paramref name="processes"/> still running after <paramref name="timeout"/> (a process that got its
    /// signal may take a moment to exit after its parent).
    /// </summary>
    public static async Task<IReadOnlyList<Entry>> StillRunningAfterAsync(IReadOnlyList<Entry> processes, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var running = processes.Where(process => IsAlive(process.Id)).ToList();
            if (running.Count == 0 || DateTime.UtcNow > deadline)
            {
                return running;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Whether the process still runs (a zombie, exited but not yet reaped, counts as gone).</summary>
    public static bool IsAlive(int id) => Read(id) is not null;

    /// <summary>The parent and name from /proc/ID/stat: "ID (NAME) STATE PPID …", where NAME may hold spaces and ')'.</summary>
    private static (int Parent, string Name)? Read(int id)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{id}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return fields[0] == "Z" ? null : (int.Parse(fields[1], CultureInfo.InvariantCulture), stat[(open + 1)..close]);
    }
}
