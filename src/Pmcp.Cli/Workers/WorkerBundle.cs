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

    /// <summary>The folder wrangler.toml lives in (the chapter's <c>.pmcp/workers</c>).</summary>
    public string WorkersDirectory => Path.Combine(project.Directory, ".pmcp", "workers");

    public string OutputDirectory => Path.Combine(WorkersDirectory, "build", "worker");

    /// <summary>Builds the bundle; <paramref name="step"/> reports progress.</summary>
    public async Task<WorkerEntry> BuildAsync(Action<string> step, CancellationToken cancellationToken)
    {
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
        Assemble(publishDirectory);
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

    private void Assemble(string publishDirectory)
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
        foreach (var file in Directory.GetFiles(host, "*.mjs"))
        {
            File.Copy(file, Path.Combine(outputHost, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(staging, "assets.gen.mjs"), AssetsModule(assemblies));
        File.WriteAllText(Path.Combine(staging, "shim.mjs"), Shim);
        if (Directory.Exists(OutputDirectory))
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }

        Directory.Move(staging, OutputDirectory);
    }

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

    private const string Shim = """
        // Generated by dotnet pmcp: the Worker's entry (wrangler.toml: main = "build/worker/shim.mjs").
        // The prelude comes first: it must run before the .NET runtime's modules are evaluated.
        import "./pmcp/prelude.mjs";
        import { dotnet } from "./_framework/dotnet.js";
        import * as runtime from "./_framework/dotnet.runtime.js";
        import * as native from "./_framework/dotnet.native.js";
        import nativeWasm from "./_framework/dotnet.native.wasm";
        import { assemblies } from "./assets.gen.mjs";
        import { createWorker } from "./pmcp/worker-host.mjs";

        export default await createWorker({ dotnet, runtime, native, nativeWasm, assemblies });

        """;
}
