using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// D1 migrations as <c>wrangler d1 migrations apply --local</c> runs them: the <c>.sql</c> files of a folder, in name
/// order (<c>0001_create_notes.sql</c>, <c>0002_…</c>), each applied once and recorded in <c>d1_migrations</c>.
/// </summary>
public static class LocalMigrations
{
    /// <summary>wrangler's own table, so a database migrated by either tool is known to both.</summary>
    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS d1_migrations(
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            name       TEXT UNIQUE,
            applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
        )
        """;

    /// <summary>
    /// Applies the migrations of <paramref name="directory"/> not yet recorded, each in one transaction with its record,
    /// and returns their names. A folder that does not exist has none.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(ID1Backend database, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var files = Directory.GetFiles(directory, "*.sql").Order(StringComparer.Ordinal).ToList();
        await database.QueryAsync(new D1Statement(CreateTable, []), cancellationToken).ConfigureAwait(false);
        var done = (await database.QueryAsync(new D1Statement("SELECT name FROM d1_migrations", []), cancellationToken).ConfigureAwait(false))
            .Rows.Select(row => row[0].GetString()).ToHashSet(StringComparer.Ordinal);
        var applied = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            if (done.Contains(name))
            {
                continue;
            }

            var sql = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            List<D1Statement> batch = [.. SqlText.SplitStatements(sql).Select(statement => new D1Statement(statement, []))];
            batch.Add(new D1Statement("INSERT INTO d1_migrations (name) VALUES (?1)", [name]));
            try
            {
                await database.BatchAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (WorkerException e)
            {
                throw new WorkerException($"Migration {name} failed and was rolled back: {e.Message}. Fix {file} and start again; {(applied.Count == 0 ? "no migration was applied in this run" : "the ones before it stay applied")}.", e);
            }

            applied.Add(name);
        }

        return applied;
    }
}
