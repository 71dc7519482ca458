using System.Text.RegularExpressions;
using Pmcp.Cli.Deploy;
using Spectre.Console;
using Tomlyn.Model;

namespace Pmcp.Cli.Processes;

/// <summary>
/// Applies each D1 database's migrations to its local state before <c>dotnet pmcp dev</c> serves, with wrangler's own
/// <c>d1 migrations apply --local</c>: the same command and migrations folder as a deploy, and the same state
/// (<c>.wrangler/state</c> next to wrangler.toml) that <c>wrangler dev --local</c> reads, so data survives restarts.
/// </summary>
internal static partial class D1Migrations
{
    /// <summary>
    /// The <c>[[d1_databases]]</c> of a wrangler.toml, the top level's or with <paramref name="environment"/> its
    /// <c>[env.NAME]</c>'s (wrangler does not pass bindings on to environments), each with the name wrangler's
    /// <c>d1 migrations apply</c> takes (<c>database_name</c>, else the binding) and its migrations folder
    /// (<c>migrations_dir</c>, default <c>migrations</c>) relative to the wrangler.toml.
    /// </summary>
    public static IReadOnlyList<(string Name, string MigrationsDirectory)> Databases(string wranglerToml, string? environment = null)
    {
        if (!DeployTarget.Section(wranglerToml, environment).TryGetValue("d1_databases", out var value) || value is not TomlTableArray databases)
        {
            return [];
        }

        return
        [
            .. databases
                .Select(d => (Name: Text(d, "database_name") ?? Text(d, "binding"), MigrationsDirectory: Text(d, "migrations_dir") ?? "migrations"))
                .Where(d => d.Name is not null)
                .Select(d => (d.Name!, d.MigrationsDirectory)),
        ];
    }

    private static string? Text(TomlTable table, string key) => table.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;

    /// <summary>Applies pending migrations of every database; false (after printing wrangler's reason) when one fails.</summary>
    public static async Task<bool> ApplyAsync((string Node, string Script) wrangler, string workersDirectory, DeployTarget target, CancellationToken cancellationToken)
    {
        // The top-level Worker's databases with no --env at all (as dev serves it), an environment's with its --env.
        IReadOnlyList<string> envArguments = target.Environment is null ? [] : target.EnvArguments;
        foreach (var (database, migrations) in Databases(Path.Combine(workersDirectory, "wrangler.toml"), target.Environment))
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

    /// <summary>wrangler's status table: "│ 0001_init.sql │ ✅ │".</summary>
    [GeneratedRegex(@"(?<name>[^\s│|]+\.sql)\s*[│|]\s*✅")]
    private static partial Regex AppliedMigration();
}
