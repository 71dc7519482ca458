using System.IO.Compression;
using Spectre.Console;

namespace Pmcp.Cli.Workers;

/// <summary>
/// Each file of a Worker bundle, raw and gzip, with the total against Cloudflare's size limit, and the start-up CPU
/// against its startup limit.
/// </summary>
internal static class SizeReport
{
    /// <summary>
    /// Workers' script size limit, uncompressed, on every plan (since September 2026; before, 3 MB gzip on Free and
    /// 10 MB on Paid).
    /// </summary>
    public const long SizeLimitBytes = 64 * 1024 * 1024;

    /// <summary>Workers' startup limit: CPU time of the global scope on the main thread (1 s since October 2025; it was 400 ms).</summary>
    public const double StartupLimitMs = 1000;

    public sealed record Entry(string File, long Raw, long Gzip);

    /// <summary>The bundle's files, and what the build decided about its start-up image.</summary>
    public sealed class Report : List<Entry>
    {
        public StartupImage.Status? Snapshot { get; init; }
    }

    public static Report Measure(string bundleDirectory)
    {
        var report = new Report { Snapshot = StartupImage.ReadStatus(bundleDirectory) };
        report.AddRange(Directory.GetFiles(bundleDirectory, "*", SearchOption.AllDirectories)
            .Select(f => new Entry(Path.GetRelativePath(bundleDirectory, f).Replace('\\', '/'), new FileInfo(f).Length, GzipLength(f)))
            .OrderByDescending(e => e.Raw));
        return report;
    }

    public static void Print(IReadOnlyList<Entry> entries)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Worker bundle");
        table.AddColumn("file");
        table.AddColumn(new TableColumn("raw").RightAligned());
        table.AddColumn(new TableColumn("gzip").RightAligned());
        foreach (var entry in entries)
        {
            table.AddRow(Markup.Escape(entry.File), Kb(entry.Raw), Kb(entry.Gzip));
        }

        var raw = entries.Sum(e => e.Raw);
        var gzip = entries.Sum(e => e.Gzip);
        table.AddRow("[bold]total[/]", $"[bold]{Kb(raw)}[/]", $"[bold]{Kb(gzip)}[/]");
        AnsiConsole.Write(table);
        var size = raw <= SizeLimitBytes ? "[green]fits Cloudflare's 64 MiB limit (uncompressed, every plan)[/]"
            : "[red]over Cloudflare's 64 MiB limit (uncompressed, every plan): Cloudflare will refuse it[/]";
        AnsiConsole.MarkupLine($"Total {Kb(raw)} ({Kb(gzip)} gzip): {size}.");
        if (entries is Report { Snapshot: { } snapshot })
        {
            AnsiConsole.MarkupLine(snapshot.On
                ? $"Start-up image: [green]on[/] ({Kb(snapshot.ImageBytes)}, {Kb(snapshot.ImageGzipBytes)} gzip; {Markup.Escape(snapshot.Reason)}): the Worker restores booted .NET instead of booting it."
                : $"Start-up image: off ({Markup.Escape(snapshot.Reason)}).");
            AnsiConsole.MarkupLine(StartupLine(snapshot));
            if (snapshot.Note is { } note)
            {
                AnsiConsole.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}");
            }
        }
    }

    /// <summary>The start-up CPU against Cloudflare's startup limit, warning from half of it.</summary>
    private static string StartupLine(StartupImage.Status snapshot)
    {
        if (snapshot.StartupCpuMs is not { } cpu)
        {
            return $"Start-up CPU: not measured ({Markup.Escape(snapshot.StartupMeasure)}); Cloudflare's startup limit is {StartupLimitMs:N0} ms.";
        }

        var share = cpu / StartupLimitMs;
        var verdict = share > 1 ? "[red]over Cloudflare's startup limit: it will refuse the upload[/]"
            : share > 0.5 ? "[yellow]near Cloudflare's startup limit: keep start-up work small, or move it into requests[/]"
            : "[green]within Cloudflare's startup limit[/]";
        return $"Start-up CPU: {cpu:N0} ms of {StartupLimitMs:N0} ms ({share * 100:N0}%; {Markup.Escape(snapshot.StartupMeasure)}): {verdict}.";
    }

    private static string Kb(long bytes) => $"{bytes / 1024.0:N1} KiB";

    private static long GzipLength(string path)
    {
        using var input = File.OpenRead(path);
        var counter = new CountingStream();
        using (var gzip = new GZipStream(counter, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            input.CopyTo(gzip);
        }

        return counter.Length;
    }

    /// <summary>Counts what is written to it and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
