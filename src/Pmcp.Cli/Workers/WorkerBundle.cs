using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pmcp.Cli.Processes;
using Pmcp.Cli.Projects;

namespace Pmcp.Cli.Workers;

/// <summary>
/// Builds a server project into a Worker bundle under <c>.pmcp/workers/build/worker/</c>: the .NET runtime and the
/// trimmed assemblies, the JS host, and <c>shim.mjs</c>, the entry that wrangler.toml's <c>main</c> names.
/// </summary>
internal sealed class WorkerBundle(ServerProject project)
{
    private const string Configuration = "Release";

    /// <summary>The Durable Object classes the entry exports, by the names wrangler.toml's class_name uses.</summary>
    private IReadOnlyList<string> _objectClasses = [];

    /// <summary>The folder wrangler.toml lives in (the chapter's <c>.pmcp/workers</c>).</summary>
    public string WorkersDirectory => Path.Combine(project.Directory, ".pmcp", "workers");

    public string OutputDirectory => Path.Combine(WorkersDirectory, "build", "worker");

    /// <summary>Builds the bundle; <paramref name="step"/> reports progress.</summary>
    public async Task<WorkerEntry> BuildAsync(Action<string> step, CancellationToken cancellationToken)
    {
        using var buildLock = await ProjectBuildLock.AcquireAsync(project.Directory, () => step($"Waiting for another build of {project.Name} to finish"), cancellationToken);
        step($"Building {project.Name}");
        var targetPath = await BuildServerProjectAsync(cancellationToken);

        var entry = WorkerEntryScanner.Find(targetPath);
        step($"Compiling {project.Name} to WebAssembly ({(entry.IsMcpServer ? "MCP server" : "Worker")} {entry.TypeName})");
        var workerProject = WorkerProject.Generate(project, entry);
        var publishDirectory = Path.Combine(WorkerProject.Directory(project), "publish");
        if (Directory.Exists(publishDirectory))
        {
            Directory.Delete(publishDirectory, recursive: true); // publish never removes what an earlier build left there
        }

        var publish = await ChildProcess.RunAsync(
            "dotnet", ["publish", workerProject, "-c", Configuration, "-o", publishDirectory, "-nologo", "-v:q", "-clp:ErrorsOnly;NoSummary"],
            project.Directory, cancellationToken);
        if (publish.ExitCode != 0)
        {
            throw new CliException($"The WebAssembly build failed:\n{publish.Output.Trim()}");
        }

        step("Assembling the Worker bundle");
        _objectClasses = [.. entry.DurableObjects.Select(o => o.ClassName)];
        await AssembleAsync(publishDirectory, step, cancellationToken);
        return entry;
    }

    private async Task<string> BuildServerProjectAsync(CancellationToken cancellationToken)
    {
        var build = await ChildProcess.RunAsync(
            "dotnet", ["build", project.ProjectFile.FullName, "-c", Configuration, "-nologo", "-v:q", "-clp:ErrorsOnly;NoSummary"],
            project.Directory, cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new CliException($"{project.Name} did not build; fix the errors below and run the command again.\n{build.Output.Trim()}");
        }

        var query = await ChildProcess.RunAsync(
            "dotnet", ["msbuild", project.ProjectFile.FullName, "-nologo", $"-p:Configuration={Configuration}", "-getProperty:TargetPath"],
            project.Directory, cancellationToken);
        var targetPath = query.Output.Trim();
        return query.ExitCode == 0 && File.Exists(targetPath)
            ? targetPath
            : throw new CliException($"Cannot find {project.Name}'s built assembly (MSBuild said: {targetPath}).");
    }

    private async Task AssembleAsync(string publishDirectory, Action<string> step, CancellationToken cancellationToken)
    {
        var framework = Path.Combine(publishDirectory, "wwwroot", "_framework");
        var host = Path.Combine(publishDirectory, "pmcp-host");
        if (!Directory.Exists(framework) || !Directory.Exists(host))
        {
            throw new CliException($"The WebAssembly build did not produce {(Directory.Exists(framework) ? host : framework)}; is Pmcp.Workers referenced?");
        }

        // Assembled beside the old bundle and swapped in at the end, so an interrupted build never leaves half a bundle.
        var staging = OutputDirectory + ".staging-" + Guid.NewGuid().ToString("N")[..8];
        // Only what the boot configuration names goes into the bundle: every byte counts against the size limit.
        var assemblies = BootConfigAssemblies(Path.Combine(framework, "dotnet.js"));
        var outputFramework = Directory.CreateDirectory(Path.Combine(staging, "_framework")).FullName;
        foreach (var file in RuntimeFiles.Concat(assemblies))
        {
            File.Copy(Path.Combine(framework, file), Path.Combine(outputFramework, file));
        }

        var outputHost = Directory.CreateDirectory(Path.Combine(staging, "pmcp")).FullName;
        var hostFiles = Directory.GetFiles(host, "*.mjs").Where(f => Path.GetFileName(f) != Recorder).Order(StringComparer.Ordinal).ToList();
        foreach (var file in hostFiles)
        {
            File.Copy(file, Path.Combine(outputHost, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(staging, "host.gen.mjs"), HostHashModule(hostFiles));

        File.WriteAllText(Path.Combine(staging, "assets.gen.mjs"), AssetsModule(assemblies));
        File.WriteAllText(Path.Combine(staging, "shim.mjs"), Shim(withImage: false));
        StartupImage.Status status;
        try
        {
            status = await AddStartupImageAsync(staging, Path.Combine(host, Recorder), step, cancellationToken);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        if (Directory.Exists(OutputDirectory))
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }

        Directory.Move(staging, OutputDirectory);
        StartupImage.WriteStatus(OutputDirectory, status);
    }

    /// <summary>The build step that records the start-up image (not part of the bundle).</summary>
    private const string Recorder = "record.mjs";

    /// <summary>
    /// Records the start-up image into the staged bundle when the setting asks for it and it fits, then measures the
    /// start-up CPU by starting the finished bundle once in Node as the deployed Worker starts: from its image, or booted.
    /// </summary>
    private async Task<StartupImage.Status> AddStartupImageAsync(string staging, string recorder, Action<string> step, CancellationToken cancellationToken)
    {
        var (setting, note) = StartupImage.Setting(project.Directory);
        var status = await RecordImageAsync(staging, recorder, setting, step, cancellationToken);
        var startup = await StartupImage.MeasureAsync(staging, recorder, status.On, step, cancellationToken);
        return status.With(startup) with { Note = note };
    }

    private async Task<StartupImage.Status> RecordImageAsync(
        string staging, string recorder, bool? setting, Action<string> step, CancellationToken cancellationToken)
    {
        if (setting == false)
        {
            return new StartupImage.Status(false, "turned off");
        }

        var wranglerToml = Path.Combine(WorkersDirectory, "wrangler.toml");
        if (File.Exists(wranglerToml) && !File.ReadAllText(wranglerToml).Contains(Deploy.LoaderSections.ImageGlob, StringComparison.Ordinal))
        {
            var fix = $"add \"{Deploy.LoaderSections.ImageGlob}\" to the globs of its Data rule (next to \"**/_framework/*.wasm\"), or delete the file to have it written again";
            return setting == true
                ? throw new CliException($"{Deploy.DeployProject.Display(wranglerToml)} predates start-up images: {fix}.")
                : new StartupImage.Status(false, $"{Deploy.DeployProject.Display(wranglerToml)} predates start-up images: {fix}");
        }

        const long limit = SizeReport.SizeLimitBytes;
        // "auto" skips recording when the last build's image already made the bundle too large by a margin: dev
        // rebuilds on every change, and recording costs a couple of seconds each time.
        if (setting is null && StartupImage.ReadStatus(OutputDirectory) is { ImageBytes: > 0 } last)
        {
            var estimate = SizeReport.Measure(staging).Sum(e => e.Raw) + last.ImageBytes;
            if (estimate > limit * 11 / 10)
            {
                return new StartupImage.Status(false, $"auto: with its image (about {Mb(last.ImageBytes)} at the last build) the bundle would be about {Mb(estimate)}, over Cloudflare's 64 MiB limit; set snapshot = true to record it anyway", last.ImageBytes, last.ImageGzipBytes);
            }
        }

        long imageBytes;
        try
        {
            imageBytes = await StartupImage.RecordAsync(staging, recorder, step, cancellationToken);
        }
        catch (CliException e) when (setting is null)
        {
            // "auto" never fails a build that would work without the image; snapshot = true does.
            return new StartupImage.Status(false, "auto: " + e.Message.Split('\n')[0]);
        }

        var entries = SizeReport.Measure(staging);
        var raw = entries.Sum(e => e.Raw);
        var image = entries.Where(e => e.File.StartsWith(StartupImage.Folder + "/", StringComparison.Ordinal)).ToList();
        var imageGzip = image.Sum(e => e.Gzip);
        if (setting is null && raw > limit)
        {
            Directory.Delete(Path.Combine(staging, StartupImage.Folder), recursive: true);
            return new StartupImage.Status(false, $"auto: with its image ({Mb(image.Sum(e => e.Raw))}) the bundle would be {Mb(raw)}, over Cloudflare's 64 MiB limit", imageBytes, imageGzip);
        }

        File.WriteAllText(Path.Combine(staging, "shim.mjs"), Shim(withImage: true));
        return new StartupImage.Status(true, setting == true ? "asked for" : "auto: the bundle with it fits Cloudflare's 64 MiB", imageBytes, imageGzip);
    }

    private static string Mb(long bytes) => $"{bytes / 1048576.0:N1} MiB";

    private static readonly string[] RuntimeFiles = ["dotnet.js", "dotnet.runtime.js", "dotnet.native.js", "dotnet.native.wasm"];

    /// <summary>.NET 10 embeds the boot configuration in dotnet.js between <c>/*json-start*/</c> and <c>/*json-end*/</c>.</summary>
    private static List<string> BootConfigAssemblies(string dotnetJs)
    {
        var text = File.ReadAllText(dotnetJs);
        const string start = "/*json-start*/";
        var from = text.IndexOf(start, StringComparison.Ordinal);
        var to = text.IndexOf("/*json-end*/", StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            throw new CliException("This .NET SDK's dotnet.js has no embedded boot configuration; Pmcp supports the .NET 10 WebAssembly SDK.");
        }

        using var config = JsonDocument.Parse(text.AsSpan(from + start.Length, to - from - start.Length).ToString());
        var resources = config.RootElement.GetProperty("resources");
        var names = new List<string>();
        foreach (var group in new[] { "coreAssembly", "assembly" })
        {
            if (resources.TryGetProperty(group, out var items))
            {
                names.AddRange(items.EnumerateArray().Select(a => a.GetProperty("name").GetString()!));
            }
        }

        return names;
    }

    private static string AssetsModule(List<string> assemblies)
    {
        var module = new StringBuilder("// Generated by dotnet pmcp: every assembly of the Worker, bundled as data (wrangler rule \"Data\").\n");
        for (var i = 0; i < assemblies.Count; i++)
        {
            module.Append(System.Globalization.CultureInfo.InvariantCulture, $"import a{i} from \"./_framework/{assemblies[i]}\";\n");
        }

        module.Append("export const assemblies = {\n");
        for (var i = 0; i < assemblies.Count; i++)
        {
            module.Append(System.Globalization.CultureInfo.InvariantCulture, $"  \"{assemblies[i]}\": a{i},\n");
        }

        return module.Append("};\n").ToString();
    }

    /// <summary>
    /// The SHA-256 of the JS host's files as bundled: part of the start-up image's fingerprint, so that an image is
    /// used only with the host that recorded it (wrangler re-prints the modules, so the host cannot hash itself).
    /// </summary>
    private static string HostHashModule(List<string> hostFiles)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in hostFiles)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return $"// Generated by dotnet pmcp: the SHA-256 of pmcp/*.mjs (the start-up image's fingerprint includes it).\nexport const hostHash = \"{Convert.ToHexStringLower(hash.GetHashAndReset())}\";\n";
    }

    private string Shim(bool withImage) => $$"""
        // Generated by dotnet pmcp: the Worker's entry (wrangler.toml: main = "build/worker/shim.mjs").
        // The prelude comes first: it must run before the .NET runtime's modules are evaluated.
        import "./pmcp/prelude.mjs";
        import { dotnet } from "./_framework/dotnet.js";
        import * as runtime from "./_framework/dotnet.runtime.js";
        import * as native from "./_framework/dotnet.native.js";
        import nativeWasm from "./_framework/dotnet.native.wasm";
        import { assemblies } from "./assets.gen.mjs";
        import { hostHash } from "./host.gen.mjs";
        import { createWorker } from "./pmcp/worker-host.mjs";
        {{(withImage ? "import { image } from \"./snapshot/image.mjs\"; // the start-up image (docs/workers-snapshot.md)" : "const image = null; // no start-up image: [build] snapshot in .pmcp/deploy.toml")}}

        const worker = await createWorker({ dotnet, runtime, native, nativeWasm, assemblies, hostHash, image });
        export default worker;
        {{string.Concat(_objectClasses.Select(c => $"export const {c} = worker.durableObjectClass(\"{c}\"); // a Durable Object class (C#: [DurableObject])\n"))}}
        """;
}
