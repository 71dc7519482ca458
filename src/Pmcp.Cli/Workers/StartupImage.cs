using System.Security.Cryptography;
using System.Text.Json;
using Pmcp.Cli.Deploy;
using Pmcp.Cli.Processes;
using Pmcp.Cli.Tools;

namespace Pmcp.Cli.Workers;

/// <summary>
/// The start-up image of a Worker bundle (docs/workers-snapshot.md): the booted, warmed-up .NET runtime's memory,
/// recorded by booting the bundle once in Node (pmcp-host/record.mjs) and restored by the JS host instead of booting.
/// Setting: deploy.toml <c>[build] snapshot = true | false | "auto"</c> (the default, auto: on when the bundle with the
/// image fits Cloudflare's 64 MiB size limit); the <c>PMCP_SNAPSHOT</c> environment variable (on, off, auto)
/// overrides it.
/// </summary>
internal static class StartupImage
{
    public const string Folder = "snapshot";

    /// <summary>
    /// What the build decided, kept beside the bundle for the size report: the image, and the start-up CPU measured
    /// in Node (null when it could not be; <see cref="StartupMeasure"/> says how, or why not).
    /// </summary>
    public sealed record Status(bool On, string Reason, long ImageBytes = 0, long ImageGzipBytes = 0)
    {
        public double? StartupCpuMs { get; init; }

        public string StartupMeasure { get; init; } = "";

        /// <summary>Something in deploy.toml worth changing (a setting that no longer does anything).</summary>
        public string? Note { get; init; }

        public Status With(StartupCpu startup) => this with { StartupCpuMs = startup.Milliseconds, StartupMeasure = startup.How };
    }

    /// <summary>The CPU time a boot took in Node (null if it was not measured), and how it was measured or why not.</summary>
    public sealed record StartupCpu(double? Milliseconds, string How);

    public static string StatusPath(string bundleDirectory) => Path.Combine(bundleDirectory, "..", "snapshot.json");

    public static Status? ReadStatus(string bundleDirectory)
    {
        var path = StatusPath(bundleDirectory);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), StatusJsonContext.Default.Status) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void WriteStatus(string bundleDirectory, Status status) =>
        File.WriteAllText(StatusPath(bundleDirectory), JsonSerializer.Serialize(status, StatusJsonContext.Default.Status));

    /// <summary>The setting: true, false, or null for auto; and a note when deploy.toml still sets <c>[build] plan</c>.</summary>
    public static (bool? Setting, string? Note) Setting(string projectDirectory)
    {
        bool? setting = null;
        string? note = null;
        var deployToml = Path.Combine(projectDirectory, ".pmcp", "deploy.toml");
        if (File.Exists(deployToml))
        {
            var config = DeployConfigReader.Load(deployToml, DeployProject.Display(deployToml));
            setting = config.Snapshot switch { "on" => true, "auto" => null, _ => false };
            if (config.Plan is { } plan)
            {
                note = $"[build] plan = \"{plan}\" in {DeployProject.Display(deployToml)} no longer changes anything: since September 2026 every plan allows 64 MiB uncompressed. Delete the line.";
            }
        }

        setting = Environment.GetEnvironmentVariable("PMCP_SNAPSHOT")?.ToLowerInvariant() switch
        {
            "on" or "1" or "true" => true,
            "off" or "0" or "false" => false,
            "auto" => null,
            _ => setting,
        };
        return (setting, note);
    }

    /// <summary>
    /// Records the image into <paramref name="bundle"/> (a finished bundle whose shim boots) and returns true, or throws
    /// a <see cref="CliException"/> saying why it could not (a runtime that is not quiescent after the warm-up).
    /// </summary>
    public static async Task<long> RecordAsync(string bundle, string recorder, Action<string> step, CancellationToken cancellationToken)
    {
        CheckBootConfiguration(bundle);
        var (node, _) = await ToolsCache.EnsureWranglerAsync(step, cancellationToken);
        step("Recording the start-up image (booting the Worker once in Node)");
        var run = await ChildProcess.RunAsync(node, [recorder, bundle], bundle, cancellationToken);
        var summary = run.Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("{\"imageBytes\"", StringComparison.Ordinal));
        if (run.ExitCode == 3)
        {
            throw new CliException(
                "The start-up image cannot be recorded: " + LastLine(run.Output) + "\n" +
                "Something started during start-up is still running after the warm-up, and a restored Worker would lose it. " +
                "Move that work into a request (or await it during start-up), or turn the image off with [build] snapshot = false in .pmcp/deploy.toml.");
        }

        if (run.ExitCode == 4)
        {
            throw new CliException(
                "The start-up image would share random values: " + LastLine(run.Output) + ".\n" +
                "Every Worker instance restored from the image would start with the same ones (a Guid, a Random or a key made while the Worker starts). " +
                "Make them in a request (or lazily, on first use), or turn the image off with [build] snapshot = false in .pmcp/deploy.toml.");
        }

        if (run.ExitCode != 0 || summary is null)
        {
            throw new CliException($"Recording the start-up image failed (exit code {run.ExitCode}):\n{run.Output.Trim()}\nTurn the image off with [build] snapshot = false in .pmcp/deploy.toml to build without it.");
        }

        return new FileInfo(Path.Combine(bundle, Folder, "image.bin")).Length;
    }

    /// <summary>
    /// The start-up CPU of the finished <paramref name="bundle"/>: started once in Node as workerd starts it, from its
    /// image when it has one (record.mjs --restore, else --boot-only; about a second). Never fails the build: a start
    /// that fails here says why in the report.
    /// </summary>
    public static async Task<StartupCpu> MeasureAsync(string bundle, string recorder, bool fromImage, Action<string> step, CancellationToken cancellationToken)
    {
        var (node, _) = await ToolsCache.EnsureWranglerAsync(step, cancellationToken);
        step("Measuring the start-up CPU (starting the Worker once in Node)");
        var run = await ChildProcess.RunAsync(node, [recorder, bundle, fromImage ? "--restore" : "--boot-only"], bundle, cancellationToken);
        return StartupCpuOf(run.Output, fromImage ? "restoring .NET from the image in Node" : "booting .NET in Node")
            ?? new StartupCpu(null, $"starting the bundle in Node failed (exit code {run.ExitCode}): {LastLine(run.Output)}");
    }

    /// <summary>record.mjs's <c>{"startupCpuMs":…,"cpuClock":…}</c> line, as the size report words it.</summary>
    private static StartupCpu? StartupCpuOf(string output, string how)
    {
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("{\"startupCpuMs\"", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(line);
        var clock = json.RootElement.GetProperty("cpuClock").GetString();
        return new StartupCpu(
            json.RootElement.GetProperty("startupCpuMs").GetDouble(),
            $"measured {how}, {(clock == "main thread" ? "on the main thread, as Cloudflare counts it" : "for the whole Node process, an upper bound")}");
    }

    private static string LastLine(string output) => output.Trim().Split('\n').Last().Trim();

    /// <summary>
    /// The host ties an image to its inputs through the SHA-256 of dotnet.native.wasm and of each assembly that
    /// dotnet.js's boot configuration lists; so the bundled files must be the ones those hashes describe.
    /// </summary>
    private static void CheckBootConfiguration(string bundle)
    {
        var framework = Path.Combine(bundle, "_framework");
        var text = File.ReadAllText(Path.Combine(framework, "dotnet.js"));
        const string start = "/*json-start*/";
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        var to = text.IndexOf("/*json-end*/", StringComparison.Ordinal);
        using var config = JsonDocument.Parse(text.AsSpan(from, to - from).ToString());
        var resources = config.RootElement.GetProperty("resources");
        foreach (var group in new[] { "wasmNative", "coreAssembly", "assembly" })
        {
            if (!resources.TryGetProperty(group, out var items))
            {
                continue;
            }

            foreach (var item in items.EnumerateArray())
            {
                var name = item.GetProperty("name").GetString()!;
                var expected = item.TryGetProperty("hash", out var hash) ? hash.GetString() : null;
                var actual = "sha256-" + Convert.ToBase64String(SHA256.HashData(File.ReadAllBytes(Path.Combine(framework, name))));
                if (expected != actual)
                {
                    throw new CliException($"_framework/{name} does not match the hash dotnet.js lists for it ({expected}); the WebAssembly build is inconsistent. Run the build again.");
                }
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(StartupImage.Status))]
internal sealed partial class StatusJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
