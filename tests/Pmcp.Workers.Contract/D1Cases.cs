using System.Text.Json;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Contract;

/// <summary>
/// D1 (<c>env.D1("DB")</c>): statements with bound parameters, rows into records, meta, raw rows, atomic batches,
/// exec, and SQLite's errors surfaced as WorkerException. Each case works in a table of its own and drops it.
/// </summary>
internal static class D1Cases
{
    private static D1Database Db(Env env) => env.D1(ContractBindings.D1);

    /// <summary>A fresh <c>(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score REAL)</c> table, dropped after <paramref name="body"/>.</summary>
    private static async Task WithItemsAsync(Env env, Func<D1Database, string, Task> body)
    {
        var db = Db(env);
        var table = Unique.Table();
        await db.Prepare($"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score REAL)").RunAsync();
        try
        {
            await body(db, table);
        }
        finally
        {
            await db.Prepare($"DROP TABLE IF EXISTS {table}").RunAsync();
        }
    }

    private static async Task<long> CountAsync(D1Database db, string table) =>
        Check.HasValue(await db.Prepare($"SELECT COUNT(*) AS n FROM {table}").FirstValueAsync("n"), $"COUNT(*) of {table}").GetInt64();

    public static async Task ExecMultiStatement(Env env)
    {
        var db = Db(env);
        var table = Unique.Table();
        // D1's exec takes one statement per line (it splits on newlines), so the contract writes it that way.
        var result = await db.ExecAsync(
            $"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT);\n" +
            $"INSERT INTO {table} (name) VALUES ('first');\n" +
            $"INSERT INTO {table} (name) VALUES ('second');");
        try
        {
            Check.Equal(3, result.Count, "ExecAsync of three statements: Count");
            Check.True(result.Duration >= 0, $"ExecAsync: Duration should not be negative, got {result.Duration}");
            var rows = await db.Prepare($"SELECT name FROM {table} ORDER BY id").RawAsync();
            Check.Sequence(["first", "second"], rows.Rows.Select(r => r[0].GetString()), "rows written by ExecAsync");
        }
        finally
        {
            await db.Prepare($"DROP TABLE IF EXISTS {table}").RunAsync();
        }
    }

    public static Task FirstIntoRecord(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        await db.Prepare($"INSERT INTO {table} (id, name, score) VALUES (?1, ?2, ?3)").Bind(7, "seven", 7.5).RunAsync();
        await db.Prepare($"INSERT INTO {table} (id, name, score) VALUES (?1, ?2, ?3)").Bind(8, "eight", null).RunAsync();

        var item = Check.NotNull(
            await db.Prepare($"SELECT id, name, score FROM {table} WHERE name = ?1").Bind("seven").FirstAsync(ContractJson.Default.ContractItem),
            "FirstAsync<ContractItem> of an existing row");
        Check.Equal(new ContractItem(7, "seven", 7.5), item, "FirstAsync<ContractItem>");

        var withNull = await db.Prepare($"SELECT id, name, score FROM {table} WHERE id = ?1").Bind(8).FirstAsync(ContractJson.Default.ContractItem);
        Check.Equal(new ContractItem(8, "eight", null), withNull, "FirstAsync<ContractItem> of a row with a NULL column");

        Check.Null(
            await db.Prepare($"SELECT id, name, score FROM {table} WHERE name = ?1").Bind("absent").FirstAsync(ContractJson.Default.ContractItem),
            "FirstAsync<ContractItem> when no row matches");
    });

    public static Task FirstValue(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        await db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind("only", 1.25).RunAsync();

        var score = await db.Prepare($"SELECT name, score FROM {table} WHERE name = ?1").Bind("only").FirstValueAsync("score");
        Check.Equal(1.25, Check.HasValue(score, "FirstValueAsync(\"score\")").GetDouble(), "FirstValueAsync(\"score\")");
        Check.Null(await db.Prepare($"SELECT name FROM {table} WHERE name = ?1").Bind("absent").FirstValueAsync("name"), "FirstValueAsync when no row matches");
        await Check.ThrowsAsync(
            () => db.Prepare($"SELECT name FROM {table} WHERE name = ?1").Bind("only").FirstValueAsync("nope"),
            "FirstValueAsync of a column the result does not have",
            "nope");
    });

    public static Task AllIntoRecords(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        foreach (var (name, score) in new[] { ("b", 2.0), ("a", 1.0), ("c", 3.5) })
        {
            await db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind(name, score).RunAsync();
        }

        var all = await db.Prepare($"SELECT id, name, score FROM {table} WHERE score >= ?1 ORDER BY name").Bind(1.5).AllAsync(ContractJson.Default.ContractItem);
        Check.Sequence(["b", "c"], all.Results.Select(r => r.Name), "AllAsync<ContractItem>: names");
        Check.Sequence([2.0, 3.5], all.Results.Select(r => r.Score ?? double.NaN), "AllAsync<ContractItem>: scores");
        Check.True(all.Results.All(r => r.Id > 0), "AllAsync<ContractItem>: ids should be the rows' rowids (positive)");
        Check.True(all.Meta.Duration >= 0, $"AllAsync: meta.duration should not be negative, got {all.Meta.Duration}");

        var none = await db.Prepare($"SELECT id, name, score FROM {table} WHERE name = ?1").Bind("zzz").AllAsync(ContractJson.Default.ContractItem);
        Check.Equal(0, none.Results.Count, "AllAsync when no row matches: number of rows");
    });

    public static Task RunMeta(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        var first = await db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind("x", 1).RunAsync();
        var second = await db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind("y", 2).RunAsync();
        await db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind("z", 3).RunAsync();

        Check.Equal(1L, first.Meta.Changes, "RunAsync(INSERT): meta.changes");
        Check.True(first.Meta.ChangedDb, "RunAsync(INSERT): meta.changed_db should be true");
        var secondId = await db.Prepare($"SELECT id FROM {table} WHERE name = ?1").Bind("y").FirstValueAsync("id");
        Check.Equal(Check.HasValue(secondId, "id of the second row").GetInt64(), second.Meta.LastRowId, "RunAsync(INSERT): meta.last_row_id is the new row's id");
        Check.True(second.Meta.LastRowId > first.Meta.LastRowId, "RunAsync(INSERT): last_row_id should grow with each insert");

        var update = await db.Prepare($"UPDATE {table} SET score = score * ?1").Bind(10).RunAsync();
        Check.Equal(3L, update.Meta.Changes, "RunAsync(UPDATE of 3 rows): meta.changes");

        var delete = await db.Prepare($"DELETE FROM {table} WHERE score > ?1").Bind(15).RunAsync();
        Check.Equal(2L, delete.Meta.Changes, "RunAsync(DELETE of 2 rows): meta.changes");

        var select = await db.Prepare($"SELECT * FROM {table}").RunAsync();
        Check.Equal(0L, select.Meta.Changes, "RunAsync(SELECT): meta.changes");
        Check.True(!select.Meta.ChangedDb, "RunAsync(SELECT): meta.changed_db should be false");
        Check.True(update.Meta.Duration >= 0, $"RunAsync: meta.duration should not be negative, got {update.Meta.Duration}");
    });

    public static Task RawRows(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        await db.Prepare($"INSERT INTO {table} (id, name, score) VALUES (?1, ?2, ?3)").Bind(1, "one", 1.5).RunAsync();
        await db.Prepare($"INSERT INTO {table} (id, name, score) VALUES (?1, ?2, ?3)").Bind(2, "two", null).RunAsync();

        var raw = await db.Prepare($"SELECT name, id, score FROM {table} ORDER BY id").RawAsync();
        Check.Sequence(["name", "id", "score"], raw.Columns, "RawAsync: column names in SELECT order");
        Check.Equal(2, raw.Rows.Count, "RawAsync: number of rows");
        Check.Equal("one", raw.Rows[0][0].GetString(), "RawAsync: row 1, column name");
        Check.Equal(1L, raw.Rows[0][1].GetInt64(), "RawAsync: row 1, column id");
        Check.Equal(1.5, raw.Rows[0][2].GetDouble(), "RawAsync: row 1, column score");
        Check.Equal(JsonValueKind.Null, raw.Rows[1][2].ValueKind, "RawAsync: row 2, NULL score");

        var empty = await db.Prepare($"SELECT name FROM {table} WHERE id = ?1").Bind(99).RawAsync();
        Check.Equal(0, empty.Rows.Count, "RawAsync when no row matches: number of rows");
        Check.Sequence(["name"], empty.Columns, "RawAsync when no row matches: the column names are still there");
    });

    public static async Task BindTypes(Env env)
    {
        var db = Db(env);
        var table = Unique.Table();
        // Declared column types give SQLite's affinity, so the stored types do not depend on how a host passes numbers.
        await db.Prepare($"CREATE TABLE {table} (absent INTEGER, whole INTEGER, fraction REAL, text TEXT, flag INTEGER, unflag INTEGER, data BLOB)").RunAsync();
        try
        {
            byte[] blob = [0, 1, 2, 0x7F, 0x80, 0xFF];
            const string text = "it's \"quoted\"; DROP TABLE x; -- ünïcödé";
            var insert = await db.Prepare($"INSERT INTO {table} VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .Bind(null, 1234567890123L, 3.25, text, true, false, blob)
                .RunAsync();
            Check.Equal(1L, insert.Meta.Changes, "RunAsync(INSERT with null/long/double/string/bool/blob): meta.changes");

            var row = Check.NotNull(
                await db.Prepare($"SELECT absent, whole, fraction, text, flag, unflag FROM {table}").FirstAsync(ContractJson.Default.ContractTyped),
                "FirstAsync<ContractTyped>");
            Check.Equal(new ContractTyped(null, 1234567890123L, 3.25, text, 1, 0), row, "values bound as null, long, double, string, true, false");

            var types = await db.Prepare($"SELECT typeof(absent), typeof(whole), typeof(fraction), typeof(text), typeof(flag), typeof(data) FROM {table}").RawAsync();
            Check.Sequence(["null", "integer", "real", "text", "integer", "blob"], types.Rows[0].Select(v => v.GetString()), "SQLite types of the bound values");

            var hex = await db.Prepare($"SELECT hex(data) AS h, length(data) AS n FROM {table}").RawAsync();
            Check.Equal("0001027F80FF", hex.Rows[0][0].GetString(), "hex() of a bound byte[]");
            Check.Equal(6L, hex.Rows[0][1].GetInt64(), "length() of a bound byte[]");

            // An int, a string and a bool as parameters of a WHERE clause find the row too.
            var found = await db.Prepare($"SELECT COUNT(*) AS n FROM {table} WHERE text = ?1 AND flag = ?2 AND whole > ?3 AND absent IS ?4")
                .Bind(text, true, 5, null)
                .FirstValueAsync("n");
            Check.Equal(1L, Check.HasValue(found, "COUNT(*) by bound parameters").GetInt64(), "rows matched by bound string, bool, int and null");
        }
        finally
        {
            await db.Prepare($"DROP TABLE IF EXISTS {table}").RunAsync();
        }
    }

    public static async Task BlobAsByteArray(Env env)
    {
        // D1 returns a BLOB column as an array of byte values (JavaScript's Array.from(new Uint8Array(...))).
        var db = Db(env);
        var raw = await db.Prepare("SELECT ?1 AS data").Bind(new byte[] { 0, 1, 254, 255 }).RawAsync();
        var value = raw.Rows[0][0];
        Check.Equal(JsonValueKind.Array, value.ValueKind, $"a BLOB in a result row should be a JSON array of bytes, got {value.GetRawText()}");
        Check.Sequence([0, 1, 254, 255], value.EnumerateArray().Select(e => e.GetInt32()), "the BLOB's bytes");

        // Into a record, the same column binds to a byte[] property.
        var row = Check.NotNull(
            await db.Prepare("SELECT 7 AS id, ?1 AS data").Bind(new byte[] { 0, 1, 254, 255 }).FirstAsync(ContractJson.Default.ContractBlob),
            "FirstAsync<ContractBlob>");
        Check.Equal(7L, row.Id, "FirstAsync<ContractBlob>: id");
        Check.Sequence([0, 1, 254, 255], row.Data.Select(b => (int)b), "FirstAsync<ContractBlob>: a BLOB column into byte[]");
        var all = await db.Prepare("SELECT 8 AS id, ?1 AS data").Bind(new byte[] { 9 }).AllAsync(ContractJson.Default.ContractBlob);
        Check.Sequence([9], all.Results[0].Data.Select(b => (int)b), "AllAsync<ContractBlob>: a BLOB column into byte[]");
    }

    public static Task BindUnsupportedTypeThrows(Env env)
    {
        var db = Db(env);
        Check.Throws(() => db.Prepare("SELECT ?1").Bind(new object()), "Bind(new object())", "D1 cannot bind");
        return Task.CompletedTask;
    }

    public static Task BatchResults(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        var results = await db.BatchAsync(
        [
            db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind("p", 1),
            db.Prepare($"INSERT INTO {table} (name, score) VALUES (?1, ?2)").Bind("q", 2),
            db.Prepare($"SELECT name FROM {table} ORDER BY name"),
        ]);

        Check.Equal(3, results.Count, "BatchAsync of three statements: number of results");
        Check.Equal(1L, results[0].Meta.Changes, "BatchAsync: result 1 meta.changes");
        Check.Equal(1L, results[1].Meta.Changes, "BatchAsync: result 2 meta.changes");
        var rows = Check.NotNull(results[2].Raw, "BatchAsync: result 3 (a SELECT) should carry its rows");
        Check.Sequence(["p", "q"], rows.Rows.Select(r => r[0].GetString()), "BatchAsync: rows of the SELECT, which sees the batch's own inserts");
    });

    public static Task BatchAtomic(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        await db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind("existing").RunAsync();

        // The third statement breaks the UNIQUE constraint after two inserts have run: the batch must leave nothing.
        await Check.ThrowsAsync(
            () => db.BatchAsync(
            [
                db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind("new-1"),
                db.Prepare($"UPDATE {table} SET score = ?1").Bind(99),
                db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind("existing"),
            ]),
            "BatchAsync whose last statement fails",
            "UNIQUE constraint failed");

        Check.Equal(1L, await CountAsync(db, table), "rows after a failed batch (only the row from before it)");
        var score = await db.Prepare($"SELECT score FROM {table} WHERE name = ?1").Bind("existing").FirstValueAsync("score");
        Check.Equal(JsonValueKind.Null, Check.HasValue(score, "score of the existing row").ValueKind, "the failed batch's UPDATE must be rolled back");

        // A failing batch does not break the next one.
        var ok = await db.BatchAsync([db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind("after")]);
        Check.Equal(1, ok.Count, "BatchAsync after a failed one: number of results");
        Check.Equal(2L, await CountAsync(db, table), "rows after a successful batch");
    });

    public static async Task SqlErrorNoSuchTable(Env env)
    {
        var db = Db(env);
        var missing = Unique.Table();

        await Check.ThrowsAsync(() => db.Prepare($"SELECT * FROM {missing}").AllAsync(ContractJson.Default.ContractItem), "AllAsync on a missing table", "no such table");
        await Check.ThrowsAsync(() => db.Prepare($"INSERT INTO {missing} (name) VALUES (?1)").Bind("x").RunAsync(), "RunAsync on a missing table", "no such table");
        await Check.ThrowsAsync(() => db.Prepare("SELEC 1").RawAsync(), "RawAsync of a syntax error", "syntax error");
    }

    public static Task SqlErrorConstraint(Env env) => WithItemsAsync(env, async (db, table) =>
    {
        await db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind("dup").RunAsync();

        await Check.ThrowsAsync(() => db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind("dup").RunAsync(), "RunAsync breaking a UNIQUE constraint", "UNIQUE constraint failed");
        await Check.ThrowsAsync(() => db.Prepare($"INSERT INTO {table} (name) VALUES (?1)").Bind((object?)null).RunAsync(), "RunAsync breaking a NOT NULL constraint", "NOT NULL constraint failed");
        Check.Equal(1L, await CountAsync(db, table), "rows after refused inserts");
    });
}
