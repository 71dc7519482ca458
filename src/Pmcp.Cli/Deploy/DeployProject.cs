using Tomlyn;
using Tomlyn.Model;
using Pmcp.Cli.Tools;
using Pmcp.Cli.Workers;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// A project's deployment files: <c>.pmcp/deploy.toml</c> (the source of truth) and <c>.pmcp/workers/wrangler.toml</c>
/// (generated from it). <see cref="Init"/> is <c>deploy init</c>; <see cref="SyncWrangler"/> runs before every build.
/// </summary>
internal sealed class DeployProject(string directory, string projectName)
{
    public string DeployToml => Path.Combine(directory, ".pmcp", "deploy.toml");

    public string WorkersDirectory => Path.Combine(directory, ".pmcp", "workers");

    public string WranglerToml => Path.Combine(WorkersDirectory, "wrangler.toml");

    /// <summary>Paths in messages: relative to the current folder, as the user typed them.</summary>
    public static string Display(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);

    /// <summary>
    /// Creates deploy.toml (from an existing wrangler.toml's values, if there is one) and generates wrangler.toml from
    /// it. An existing deploy.toml is kept unless <paramref name="force"/>; with it, both files are written afresh.
    /// Returns one line per file saying what happened.
    /// </summary>
    public IReadOnlyList<string> Init(bool force)
    {
        var messages = new List<string>();
        Directory.CreateDirectory(WorkersDirectory);
        if (File.Exists(DeployToml) && !force)
        {
            messages.Add($"kept {Display(DeployToml)}: it exists (dotnet pmcp deploy init --force writes the default again)");
        }
        else
        {
            var config = DeployConfig.Default(WranglerConfig.WorkerName(projectName), PinnedTools.DefaultCompatibilityDate);
            var imported = !force && File.Exists(WranglerToml);
            if (imported)
            {
                config = WranglerImport.Apply(config, File.ReadAllText(WranglerToml), Display(WranglerToml));
            }

            var existed = File.Exists(DeployToml);
            File.WriteAllText(DeployToml, DeployTomlWriter.Write(config));
            messages.Add($"{(existed ? "overwrote" : "created")} {Display(DeployToml)}{(imported ? $" from the values of {Display(WranglerToml)}" : "")}");
        }

        if (force && File.Exists(WranglerToml))
        {
            File.Delete(WranglerToml);
        }

        messages.Add(SyncWrangler() ?? $"{Display(WranglerToml)}: unchanged");
        return messages;
    }

    /// <summary>
    /// Before a build: regenerates wrangler.toml's derived parts from deploy.toml, keeping what was added by hand; with
    /// no deploy.toml, writes the default wrangler.toml once, as before. Returns what changed, or null if nothing did.
    /// </summary>
    public string? SyncWrangler()
    {
        if (!File.Exists(DeployToml))
        {
            var existed = File.Exists(WranglerToml);
            WranglerConfig.EnsureExists(WorkersDirectory, WranglerConfig.WorkerName(projectName), WranglerBuildSection.Sources(directory));
            return existed ? null : $"created {Display(WranglerToml)}";
        }

        var config = DeployConfigReader.Load(DeployToml, Display(DeployToml));
        var existing = File.Exists(WranglerToml) ? File.ReadAllText(WranglerToml) : null;
        var moved = config.Observability is null && existing is not null ? MoveObservability(existing) : null;
        if (moved is not null)
        {
            config = DeployConfigReader.Load(DeployToml, Display(DeployToml));
        }

        var result = WranglerTomlWriter.Write(config, existing, Display(WranglerToml), WranglerBuildSection.Sources(directory));
        if (result.Text == existing)
        {
            return moved;
        }

        Directory.CreateDirectory(WorkersDirectory);
        File.WriteAllText(WranglerToml, result.Text);
        var change = existing is null ? $"created {Display(WranglerToml)} from {Display(DeployToml)}"
            : $"regenerated {Display(WranglerToml)} from {Display(DeployToml)}" + (result.Kept.Count > 0 ? $"; kept your {string.Join(", ", result.Kept)}" : "");
        return moved is null ? change : moved + "\n" + change;
    }

    /// <summary>
    /// A wrangler.toml whose [observability] was written by hand, from before deploy.toml decided it: its values move to
    /// deploy.toml's [workers.observability] (appended, so the rest of the file stays as written) rather than being
    /// overwritten. Returns what was done, or null when there was nothing to move.
    /// </summary>
    private string? MoveObservability(string wrangler)
    {
        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(wrangler) ?? [];
        }
        catch (TomlException)
        {
            return null; // the writer reports what is wrong with it
        }

        if (!root.TryGetValue("observability", out var table) || table is not TomlTable values || DeployObservability.FromWrangler(values) is not { } observability)
        {
            return null;
        }

        var text = File.ReadAllText(DeployToml);
        var separator = text.Length == 0 || text.EndsWith('\n') ? "" : "\n";
        File.AppendAllText(DeployToml, $"{separator}\n# Moved here from {Path.GetFileName(WranglerToml)}'s [observability] (Workers Logs): edit it here.\n[workers.observability]\n{observability.Lines()}");
        return $"moved [observability] ({observability}) from {Display(WranglerToml)} into {Display(DeployToml)} as [workers.observability]";
    }
}
