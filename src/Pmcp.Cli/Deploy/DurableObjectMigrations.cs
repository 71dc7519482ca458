using System.Globalization;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// wrangler.toml's <c>[[migrations]]</c> for the Durable Object classes deploy.toml binds. The list is history: Cloudflare
/// applies each tag once, in order, and refuses a deployed tag that changed. So the entries already in wrangler.toml are
/// kept as written, and a class no migration has created yet gets one new entry after them, a SQLite-backed class
/// (<c>new_sqlite_classes</c>, which <c>ctx.storage.sql</c> needs), tagged <c>v1</c>, <c>v2</c>, …. Renames and deletions
/// destroy or move data, so they are never guessed: write those entries in wrangler.toml by hand (they are kept).
/// </summary>
internal static class DurableObjectMigrations
{
    /// <summary>The <c>[[migrations]]</c> entry to append, or null when every bound class has been created already.</summary>
    /// <param name="config">deploy.toml: the Durable Object bindings of <c>[workers]</c> and of every environment.</param>
    /// <param name="existing">The wrangler.toml being rewritten, or null.</param>
    /// <param name="file">Its path, for messages.</param>
    /// <exception cref="CliException">wrangler.toml's <c>migrations</c> is not a list of tables.</exception>
    public static string? Next(DeployConfig config, string? existing, string file)
    {
        var wanted = config.Bindings.Concat(config.Environments.SelectMany(e => e.Bindings))
            .Where(b => b.Kind == BindingKind.DurableObject && b.Option("script_name") is null)
            .Select(b => b.Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (wanted.Count == 0)
        {
            return null;
        }

        var (tags, live) = History(existing, file);
        var missing = wanted.Where(c => !live.Contains(c)).ToList();
        if (missing.Count == 0)
        {
            return null;
        }

        var number = tags.Count + 1;
        while (tags.Contains($"v{number}"))
        {
            number++;
        }

        return "# Appended by dotnet pmcp for the Durable Object classes of deploy.toml; Cloudflare applies each tag once: never edit a deployed one.\n"
            + "[[migrations]]\n"
            + TomlText.Line("tag", $"v{number.ToString(CultureInfo.InvariantCulture)}")
            + $"new_sqlite_classes = [{string.Join(", ", missing.Select(TomlText.String))}]\n";
    }

    /// <summary>The tags used so far, and the classes the history leaves in existence.</summary>
    private static (HashSet<string> Tags, HashSet<string> Live) History(string? existing, string file)
    {
        var tags = new HashSet<string>(StringComparer.Ordinal);
        var live = new HashSet<string>(StringComparer.Ordinal);
        if (existing is null)
        {
            return (tags, live);
        }

        TomlTable root;
        try
        {
            root = TomlSerializer.Deserialize<TomlTable>(existing) ?? new TomlTable();
        }
        catch (TomlException e)
        {
            throw new CliException($"'{file}' is not valid TOML: {e.Message.Trim()}; fix it, or run dotnet pmcp deploy init --force to write it again from deploy.toml.");
        }

        if (!root.TryGetValue("migrations", out var value))
        {
            return (tags, live);
        }

        if (value is not TomlTableArray migrations)
        {
            throw new CliException($"'{file}': migrations must be a list of tables, written [[migrations]] with a tag and new_sqlite_classes, renamed_classes or deleted_classes.");
        }

        foreach (var migration in migrations)
        {
            if (migration.TryGetValue("tag", out var tag) && tag is string text)
            {
                tags.Add(text);
            }

            live.UnionWith(Names(migration, "new_classes"));
            live.UnionWith(Names(migration, "new_sqlite_classes"));
            if (migration.TryGetValue("renamed_classes", out var renamed) && renamed is System.Collections.IEnumerable renames)
            {
                foreach (var rename in renames.OfType<TomlTable>())
                {
                    if (rename.TryGetValue("from", out var from) && from is string old)
                    {
                        live.Remove(old);
                    }

                    if (rename.TryGetValue("to", out var to) && to is string now)
                    {
                        live.Add(now);
                    }
                }
            }

            if (migration.TryGetValue("transferred_classes", out var transferred) && transferred is System.Collections.IEnumerable transfers)
            {
                live.UnionWith(transfers.OfType<TomlTable>().Select(t => t.TryGetValue("to", out var to) ? to as string : null).OfType<string>());
            }

            live.ExceptWith(Names(migration, "deleted_classes"));
        }

        return (tags, live);
    }

    private static IEnumerable<string> Names(TomlTable migration, string key) =>
        migration.TryGetValue(key, out var value) && value is TomlArray names ? names.OfType<string>() : [];
}
