using System.IO.Compression;
using Spectre.Console;

namespace Pmcp.Cli.Workers;

/// <summary>Each file of a Worker bundle, raw and gzip, with the total against Cloudflare's upload limits.</summary>
internal static class SizeReport
{
    /// <summary>Workers' compressed script size limits: Free and Paid plans.</summary>
    public const long FreeLimitBytes = 3 * 1024 * 1024;

    public const long PaidLimitBytes = 10 * 1024 * 1024;

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
            .OrderByDescending(e => e.Gzip));
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
        var plan = gzip <= FreeLimitBytes ? "[green]fits the Free plan (3 MB gzip) and the Paid plan (10 MB)[/]"
            : gzip <= PaidLimitBytes ? "[yellow]over the Free plan's 3 MB gzip; fits the Paid plan's 10 MB[/]"
            : "[red]over the Paid plan's 10 MB gzip: Cloudflare will refuse it[/]";
        AnsiConsole.MarkupLine($"Total {Kb(gzip)} gzip: {plan}.");
        if (entries is Report { Snapshot: { } snapshot })
        {
            AnsiConsole.MarkupLine(snapshot.On
                ? $"Start-up image: [green]on[/] ({Kb(snapshot.ImageBytes)}, {Kb(snapshot.ImageGzipBytes)} gzip; {Markup.Escape(snapshot.Reason)}): the Worker restores booted .NET instead of booting it."
                : $"Start-up image: off ({Markup.Escape(snapshot.Reason)}).");
        }

        AnsiConsole.MarkupLine("[grey]Cloudflare checks wrangler's \"Total Upload\" figure, which compresses the bundle as one.[/]");
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
