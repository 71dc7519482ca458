using System.Text.Json;
using System.Text.Json.Serialization;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Local.Bindings;

namespace Pmcp.Workers.Local.Tests;

public sealed record Note(long Id, string Title, string? Body);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Note))]
internal sealed partial class TestJson : JsonSerializerContext;

public sealed class D1Tests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteD1Backend _backend;
    private readonly D1Database _db;

    public D1Tests()
    {
        _backend = new SqliteD1Backend(_folder.File("d1/notes.sqlite"));
        _db = new D1Database("DB", _backend);
    }

    public void Dispose()
    {
        _backend.Dispose();
        _folder.Dispose();
    }

    private Task<D1ExecResult> CreateNotesAsync() =>
        _db.ExecAsync("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE, body TEXT);");

    [Fact]
    public async Task RunReportsChangesAndLastRowId()
    {
        await CreateNotesAsync();
        var first = await _db.Prepare("INSERT INTO notes (title, body) VALUES (?1, ?2)").Bind("a", "x").RunAsync();
        var second = await _db.Prepare("INSERT INTO notes (title, body) VALUES (?, ?)").Bind("b", null).RunAsync();
        Assert.Equal(1, first.Meta.Changes);
        Assert.Equal(1, first.Meta.LastRowId);
        Assert.Equal(2, second.Meta.LastRowId);
        Assert.True(second.Meta.ChangedDb);
        Assert.Equal(1, second.Meta.RowsWritten);
        Assert.True(second.Meta.Duration >= 0);

        var update = await _db.Prepare("UPDATE notes SET body = ?1").Bind("y").RunAsync();
        Assert.Equal(2, update.Meta.Changes);
        var select = await _db.Prepare("SELECT * FROM notes").RunAsync();
        Assert.Equal(0, select.Meta.Changes);
        Assert.False(select.Meta.ChangedDb);
        Assert.Equal(2, select.Meta.RowsRead);
    }

    [Fact]
    public async Task AllAndFirstReadRowsIntoRecords()
    {
        await CreateNotesAsync();
        await _db.Prepare("INSERT INTO notes (title, body) VALUES (?1, ?2), (?3, ?4)").Bind("one", "1", "two", null).RunAsync();
        var all = await _db.Prepare("SELECT id, title, body FROM notes ORDER BY id").AllAsync(TestJson.Default.Note);
        Assert.Equal([new Note(1, "one", "1"), new Note(2, "two", null)], all.Results);
        Assert.Equal(new Note(2, "two", null), await _db.Prepare("SELECT * FROM notes WHERE title = ?1").Bind("two").FirstAsync(TestJson.Default.Note));
        Assert.Null(await _db.Prepare("SELECT * FROM notes WHERE title = ?1").Bind("none").FirstAsync(TestJson.Default.Note));
        Assert.Equal("one", (await _db.Prepare("SELECT title FROM notes ORDER BY id").FirstValueAsync("title"))!.Value.GetString());
    }

    [Fact]
    public async Task RawRowsCarryD1sJsonTypesInColumnOrder()
    {
        var raw = await _db.Prepare("SELECT 42 AS i, 1.5 AS r, 'text' AS t, x'00FF10' AS b, NULL AS n, ?1 AS p, ?2 AS q").Bind(true, new byte[] { 1, 2 }).RawAsync();
        Assert.Equal(["i", "r", "t", "b", "n", "p", "q"], raw.Columns);
        var row = Assert.Single(raw.Rows);
        Assert.Equal(42, row[0].GetInt64());
        Assert.Equal(1.5, row[1].GetDouble());
        Assert.Equal("text", row[2].GetString());
        Assert.Equal([0, 255, 16], row[3].EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Null, row[4].ValueKind);
        Assert.Equal(1, row[5].GetInt64());
        Assert.Equal([1, 2], row[6].EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task NumberedAndPlainParametersFollowSqliteRules()
    {
        // A plain ? takes one more than the largest number so far; a ? inside a literal or comment is not a parameter.
        var raw = await _db.Prepare("SELECT ?2 AS a, ? AS b, ?1 AS c, '?' AS d /* ? */, ? AS e -- ?\n").Bind("one", "two", "three", "four").RawAsync();
        Assert.Equal(["two", "three", "one", "?", "four"], raw.Rows[0].Select(e => e.GetString()));
    }

    [Fact]
    public async Task WrongNumberOfBindingsIsAnError()
    {
        var error = await Assert.ThrowsAsync<WorkerException>(() => _db.Prepare("SELECT ?1, ?2").Bind("only one").RawAsync());
        Assert.Contains("Wrong number of parameter bindings", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SqliteErrorsCarrySqlitesMessage()
    {
        var missing = await Assert.ThrowsAsync<WorkerException>(() => _db.Prepare("SELECT * FROM notes").AllAsync(TestJson.Default.Note));
        Assert.StartsWith("D1_ERROR: no such table: notes", missing.Message, StringComparison.Ordinal);

        await CreateNotesAsync();
        await _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("dup").RunAsync();
        var unique = await Assert.ThrowsAsync<WorkerException>(() => _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("dup").RunAsync());
        Assert.Contains("UNIQUE constraint failed: notes.title", unique.Message, StringComparison.Ordinal);
        Assert.Contains("SQLITE_CONSTRAINT", unique.Message, StringComparison.Ordinal);

        var syntax = await Assert.ThrowsAsync<WorkerException>(() => _db.Prepare("SELEC 1").RunAsync());
        Assert.Contains("syntax error", syntax.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchIsAtomic()
    {
        await CreateNotesAsync();
        var results = await _db.BatchAsync([
            _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("a"),
            _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("b"),
            _db.Prepare("SELECT count(*) AS n FROM notes"),
        ]);
        Assert.Equal(3, results.Count);
        Assert.Equal(2, results[2].Raw!.Rows[0][0].GetInt64());

        await Assert.ThrowsAsync<WorkerException>(() => _db.BatchAsync([
            _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("c"),
            _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("a"), // duplicate: the whole batch rolls back
        ]));
        var count = await _db.Prepare("SELECT count(*) AS n FROM notes").FirstValueAsync("n");
        Assert.Equal(2, count!.Value.GetInt64());
        // The connection is usable after a rollback.
        await _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("c").RunAsync();
    }

    [Fact]
    public async Task ExecRunsScriptsAndCountsStatements()
    {
        var result = await _db.ExecAsync("""
            CREATE TABLE t (x TEXT); -- a ; in a comment
            INSERT INTO t VALUES ('a;b');
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN
                UPDATE t SET x = CASE WHEN x = 'z' THEN 'y' ELSE x END WHERE rowid = new.rowid;
            END;
            """);
        Assert.Equal(3, result.Count);
        Assert.Equal("a;b", (await _db.Prepare("SELECT x FROM t").FirstValueAsync("x"))!.Value.GetString());

        var error = await Assert.ThrowsAsync<WorkerException>(() => _db.ExecAsync("INSERT INTO t VALUES ('ok'); INSERT INTO nowhere VALUES (1);"));
        Assert.Contains("no such table: nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataSurvivesReopening()
    {
        await CreateNotesAsync();
        await _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind("kept").RunAsync();
        _backend.Dispose();
        using var reopened = new SqliteD1Backend(_folder.File("d1/notes.sqlite"));
        var title = await new D1Database("DB", reopened).Prepare("SELECT title FROM notes").FirstValueAsync("title");
        Assert.Equal("kept", title!.Value.GetString());
    }

    [Fact]
    public async Task ParallelInsertsAllLand()
    {
        await CreateNotesAsync();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            _db.Prepare("INSERT INTO notes (title) VALUES (?1)").Bind($"n{i}").RunAsync()));
        var count = await _db.Prepare("SELECT count(*) AS n FROM notes").FirstValueAsync("n");
        Assert.Equal(200, count!.Value.GetInt64());
    }
}
