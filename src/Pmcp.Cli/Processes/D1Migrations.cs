using System.Text.RegularExpressions;
using Spectre.Console;

namespace Pmcp.Cli.Processes;

/// <summary>
/// Applies each D1 database's migrations to its local state before <c>dotnet pmcp dev</c> serves, with wrangler's own
/// <c>d1 migrations apply --local</c>: the same command and migrations folder as a deploy, and the same state
/// (<c>.wrangler/state</c> next to wrangler.toml) that <c>wrangler dev --local</c> reads, so data survives restarts.
/// </summary>
internal static partial class D1Migrations
{
    /// <summary>
    /// The top-level <c>[[d1_databases]]</c> of a wrangler.toml (per-environment ones are for deploys), with each one's
    /// migrations folder (<c>migrations_dir</c>, default <c>migrations</c>) relative to the wrangler.toml.
    /// </summary>
    public static IReadOnlyList<(string Name, string MigrationsDirectory)> Databases(string wranglerToml)
    {
        var blocks = new List<(string? Name, string MigrationsDirectory)>();
        var inD1 = false;
        foreach (var raw in File.ReadLines(wranglerToml))
        {
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                if (line.StartsWith("[env.", StringComparison.Ordinal) || line.StartsWith("[[env.", StringComparison.Ordinal))
                {
                    break;
                }

                inD1 = line.Replace(" ", "", StringComparison.Ordinal) == "[[d1_databases]]";
                if (inD1)
                {
                    blocks.Add((null, "migrations"));
                }

                continue;
            }

            if (!inD1)
            {
                continue;
            }

            if (DatabaseName().Match(line) is { Success: true } name)
            {
                blocks[^1] = (name.Groups["name"].Value, blocks[^1].MigrationsDirectory);
            }
            else if (MigrationsDir().Match(line) is { Success: true } dir)
            {
                blocks[^1] = (blocks[^1].Name, dir.Groups["dir"].Value);
            }
        }

        return [.. blocks.Where(b => b.Name is not null).Select(b => (b.Name!, b.MigrationsDirectory))];
    }

    /// <summary>Applies pending migrations of every database; false (after printing wrangler's reason) when one fails.</summary>
    public static async Task<bool> ApplyAsync((string Node, string Script) wrangler, string workersDirectory, IReadOnlyList<string> envArguments, CancellationToken cancellationToken)
    {
        foreach (var (database, migrations) in Databases(Path.Combine(workersDirectory, "wrangler.toml")))
        {
            if (!Directory.Exists(Path.Combine(workersDirectory, migrations)))
            {
                continue; // nothing to apply; wrangler would fail with "No migrations present"
            }

            // CI=true: wrangler asks for confirmation on a terminal; in a non-interactive context it proceeds.
            var environment = new Dictionary<string, string>(Tools.ToolsCache.WranglerEnvironment) { ["CI"] = "true" };
            var result = await ChildProcess.RunAsync(wrangler.Node, [wrangler.Script, "d1", "migrations", "apply", database, "--local", .. envArguments], workersDirectory, cancellationToken, environment);
            if (result.ExitCode != 0)
            {
                Console.Error.WriteLine($"error: applying the D1 migrations of '{database}' failed (wrangler d1 migrations apply {database} --local):");
                Console.Error.WriteLine(result.Output.Trim());
                return false;
            }

            var applied = AppliedMigration().Matches(result.Output).Select(m => m.Groups["name"].Value).Distinct().ToList();
            AnsiConsole.MarkupLine(applied.Count == 0
                ? $"D1 [bold]{Markup.Escape(database)}[/]: migrations up to date"
                : $"D1 [bold]{Markup.Escape(database)}[/]: applied {Markup.Escape(string.Join(", ", applied))}");
        }

        return true;
    }

    [GeneratedRegex("""^database_name\s*=\s*["'](?<name>[^"']+)["']""")]
    private static partial Regex DatabaseName();

    [GeneratedRegex("""^migrations_dir\s*=\s*["'](?<dir>[^"']+)["']""")]
    private static partial Regex MigrationsDir();

    /// <summary>wrangler's status table: "│ 0001_init.sql │ ✅ │".</summary>
    [GeneratedRegex(@"(?<name>[^\s│|]+\.sql)\s*[│|]\s*✅")]
    private static partial Regex AppliedMigration();
}
