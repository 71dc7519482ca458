using System.Text.Json;
using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Tools;

/// <summary>
/// The pinned wrangler, run in a project's <c>.pmcp/workers</c> folder (where its wrangler.toml is). Every run gets
/// wrangler's machine-readable output file (<c>WRANGLER_OUTPUT_FILE_PATH</c>), so results such as a deploy's URLs are
/// read from wrangler's own record, not scraped from its console text.
/// </summary>
internal sealed class Wrangler((string Node, string Script) tool, string workersDirectory)
{
    public string WorkersDirectory => workersDirectory;

    public (string Node, string Script) Tool => tool;

    /// <summary>Installs wrangler on first use (progress through <paramref name="step"/>).</summary>
    public static async Task<Wrangler> EnsureAsync(string workersDirectory, Action<string> step, CancellationToken cancellationToken) =>
        new(await ToolsCache.EnsureWranglerAsync(step, cancellationToken), workersDirectory);

    /// <summary>
    /// Runs <c>wrangler ARGUMENTS</c> to completion without a terminal (wrangler then never prompts), capturing its
    /// output. <paramref name="standardInput"/> is how a secret reaches it: never its command line.
    /// </summary>
    public async Task<WranglerRun> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, string? standardInput = null, Action<string>? onLine = null)
    {
        var outputFile = Path.Combine(Path.GetTempPath(), $"pmcp-wrangler-{Guid.NewGuid():N}.ndjson");
        var environment = new Dictionary<string, string>(ToolsCache.WranglerEnvironment) { ["WRANGLER_OUTPUT_FILE_PATH"] = outputFile };
        try
        {
            var result = await ChildProcess.RunAsync(tool.Node, [tool.Script, .. arguments], workersDirectory, cancellationToken, environment, standardInput, onLine);
            return new WranglerRun(result.ExitCode, result.Output, ReadEvents(outputFile));
        }
        finally
        {
            File.Delete(outputFile);
        }
    }

    /// <summary>Starts a long-running wrangler command (dev, tail) whose output the caller relays.</summary>
    public System.Diagnostics.Process Start(IReadOnlyList<string> arguments) => ToolsCache.StartWrangler(tool, arguments, workersDirectory);

    private static List<JsonElement> ReadEvents(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var events = new List<JsonElement>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                events.Add(document.RootElement.Clone());
            }
            catch (JsonException)
            {
                // A line wrangler did not finish writing (it was stopped): the others still count.
            }
        }

        return events;
    }
}

/// <summary>One finished wrangler command: its exit code, its console output, and the events of its output file.</summary>
internal sealed record WranglerRun(int ExitCode, string Output, IReadOnlyList<JsonElement> Events)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last event of a type (<c>deploy</c>, <c>wrangler-session</c>, …), if wrangler recorded one.</summary>
    public JsonElement? Event(string type) =>
        Events.LastOrDefault(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueEquals(type)) is { ValueKind: JsonValueKind.Object } found
            ? found
            : null;
}
