using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Pmcp.Workers.Bindings;
using Pmcp.Workers.Postgres;

namespace Pmcp.Workers.Contract;

/// <summary>
/// Hyperdrive (<c>env.Hyperdrive("PG")</c>): PostgreSQL over the Workers socket API, against a real server
/// (tests/e2e/postgres-server.mjs). The test server runs one connection at a time, so a case never holds a session
/// (<see cref="Hyperdrive.ConnectAsync"/>) while it opens another connection.
/// </summary>
internal static class HyperdriveCases
{
    private static Hyperdrive Db(Env env) => env.Hyperdrive(ContractBindings.Postgres);

    /// <summary>A fresh <c>(id bigint primary key, title text not null, stars int not null, body text)</c> table, dropped after.</summary>
    private static async Task WithNotesAsync(Env env, Func<Hyperdrive, string, Task> body)
    {
        var db = Db(env);
        var table = Unique.Table();
        await db.ExecuteAsync($"create table {table} (id bigint primary key, title text not null, stars int not null, body text)", []);
        try
        {
            await body(db, table);
        }
        finally
        {
            await db.ExecuteAsync($"drop table if exists {table}", []);
        }
    }

    private static Task<long> InsertAsync(Hyperdrive db, string table, long id, string title, int stars, string? body) =>
        db.ExecuteAsync($"insert into {table} (id, title, stars, body) values ($1, $2, $3, $4)", [id, title, stars, body]);

    private static async Task<long> CountAsync(Hyperdrive db, string table) =>
        Check.NotNull(await db.QueryFirstAsync($"select count(*) as n from {table}", [], HyperdriveJson.Default.PgCount), $"count(*) of {table}").N;

    public static Task ConnectionDetails(Env env)
    {
        var db = Db(env);
        Check.Equal(ContractBindings.Postgres, db.Name, "Hyperdrive: Name");
        Check.Equal(ContractBindings.PostgresUser, db.User, "Hyperdrive: User");
        Check.Equal(ContractBindings.PostgresPassword, db.Password, "Hyperdrive: Password");
        Check.Equal(ContractBindings.PostgresDatabase, db.Database, "Hyperdrive: Database");
        Check.True(db.Host.Length > 0 && db.Port > 0, $"Hyperdrive: a host and a port, got {db.Host}:{db.Port}");
        Check.True(db.ConnectionString.StartsWith("postgres", StringComparison.Ordinal), $"Hyperdrive: a postgres connection string, got one starting {db.ConnectionString[..Math.Min(12, db.ConnectionString.Length)]}");
        Check.True(!db.ToString().Contains(db.Password, StringComparison.Ordinal), "Hyperdrive.ToString() must not show the password");
        return Task.CompletedTask;
    }

    public static Task QueryIntoRecords(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        await InsertAsync(db, table, 1, "first", 3, "one");
        await InsertAsync(db, table, 2, "second", 1, "two");
        await InsertAsync(db, table, 3, "third", 5, null);

        var rows = await db.QueryAsync($"select id, title, stars, body from {table} where stars >= $1 order by id", [3], HyperdriveJson.Default.PgNote);
        Check.Sequence([new PgNote(1, "first", 3, "one"), new PgNote(3, "third", 5, null)], rows, "QueryAsync<PgNote> where stars >= $1");

        var byTitle = await db.QueryAsync($"select id, title, stars, body from {table} where title = $1 and id = $2", ["second", 2L], HyperdriveJson.Default.PgNote);
        Check.Sequence([new PgNote(2, "second", 1, "two")], byTitle, "QueryAsync<PgNote> with two parameters");

        var none = await db.QueryAsync($"select id, title, stars, body from {table} where stars > $1", [100], HyperdriveJson.Default.PgNote);
        Check.Equal(0, none.Count, "QueryAsync when no row matches: rows");
    });

    public static Task QueryFirst(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        await InsertAsync(db, table, 5, "five", 2, "x");
        await InsertAsync(db, table, 6, "six", 2, "y");

        var first = await db.QueryFirstAsync($"select id, title, stars, body from {table} order by id desc", [], HyperdriveJson.Default.PgNote);
        Check.Equal(new PgNote(6, "six", 2, "y"), first, "QueryFirstAsync<PgNote>: the first row in order");
        Check.Null(await db.QueryFirstAsync($"select id, title, stars, body from {table} where id = $1", [99], HyperdriveJson.Default.PgNote), "QueryFirstAsync when no row matches");
    });

    public static Task ExecuteRowsAffected(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        Check.Equal(3L, await db.ExecuteAsync($"insert into {table} (id, title, stars) values (1, 'a', 1), (2, 'b', 2), ($1, $2, $3)", [3, "c", 3]), "ExecuteAsync of an insert of three rows");
        Check.Equal(2L, await db.ExecuteAsync($"update {table} set stars = stars + 10 where stars < $1", [3]), "ExecuteAsync of an update of two rows");
        Check.Equal(1L, await db.ExecuteAsync($"delete from {table} where id = $1", [1]), "ExecuteAsync of a delete of one row");
        Check.Equal(0L, await db.ExecuteAsync($"delete from {table} where id = $1", [1]), "ExecuteAsync of a delete that matches nothing");
        Check.Equal(2L, await db.ExecuteAsync($"select * from {table}", []), "ExecuteAsync of a select: the rows it returned");
        Check.Equal(0L, await db.ExecuteAsync($"create index on {table} (stars)", []), "ExecuteAsync of DDL");
        Check.Equal(2L, await CountAsync(db, table), "rows left");
    });

    public static Task Nulls(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        await InsertAsync(db, table, 1, "no body", 0, null);

        var note = await db.QueryFirstAsync($"select id, title, stars, body from {table}", [], HyperdriveJson.Default.PgNote);
        Check.Equal(new PgNote(1, "no body", 0, null), note, "a NULL column into a nullable property");

        var raw = await db.QueryRawAsync($"select body, $1::text is null as param_is_null, $2::int as no_int from {table}", [null, null]);
        Check.Equal(JsonValueKind.Null, raw.Rows[0][0].ValueKind, "QueryRawAsync: a NULL column");
        Check.Equal(JsonValueKind.True, raw.Rows[0][1].ValueKind, "a null parameter reaches SQL as NULL");
        Check.Equal(JsonValueKind.Null, raw.Rows[0][2].ValueKind, "a null parameter cast to int");
    });

    private static readonly PgTyped Expected = new(
        true, 12, int.MaxValue, 9007199254740993, 1.5, 12345678901234567.125m, ContractData.Json("""{"a":[1,2,{"b":null}],"s":"x"}"""),
        new DateTimeOffset(2024, 2, 29, 13, 14, 15, 500, TimeSpan.FromHours(2)), new DateTime(2024, 2, 29, 13, 14, 15, 500), new DateOnly(2024, 2, 29),
        Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "plain", [0x00, 0xff, 0x10]);

    private const string TypedColumns =
        "flag, small, medium, big, real, exact, doc, at, local, day, id, text, data";

    public static async Task TypesIntoRecords(Env env)
    {
        var db = Db(env);
        var literals = Check.NotNull(await db.QueryFirstAsync(
            """
            select true as flag, 12::int2 as small, 2147483647::int4 as medium, 9007199254740993::int8 as big, 1.5::float8 as real,
              12345678901234567.125::numeric as exact, '{"s": "x", "a": [1, 2, {"b": null}]}'::jsonb as doc,
              '2024-02-29 13:14:15.5+02'::timestamptz as at, '2024-02-29 13:14:15.5'::timestamp as local, '2024-02-29'::date as day,
              'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as id, 'plain'::text as text, '\x00ff10'::bytea as data
            """, [], HyperdriveJson.Default.PgTyped), "QueryFirstAsync<PgTyped> of literals");
        Same(Expected, literals, "literals");

        var e = Expected;
        var parameters = Check.NotNull(await db.QueryFirstAsync(
            """
            select $1::bool as flag, $2::int2 as small, $3::int4 as medium, $4::int8 as big, $5::float8 as real, $6::numeric as exact,
              $7::jsonb as doc, $8::timestamptz as at, $9::timestamp as local, $10::date as day, $11::uuid as id, $12::text as text, $13::bytea as data
            """, [e.Flag, e.Small, e.Medium, e.Big, e.Real, e.Exact, e.Doc, e.At, e.Local, e.Day, e.Id, e.Text, e.Data], HyperdriveJson.Default.PgTyped),
            $"QueryFirstAsync<PgTyped> of parameters ({TypedColumns})");
        Same(Expected, parameters, "parameters");
    }

    private static void Same(PgTyped expected, PgTyped actual, string what)
    {
        Check.Equal(expected.Flag, actual.Flag, $"{what}: bool");
        Check.Equal(expected.Small, actual.Small, $"{what}: int2");
        Check.Equal(expected.Medium, actual.Medium, $"{what}: int4");
        Check.Equal(expected.Big, actual.Big, $"{what}: int8 beyond 2^53");
        Check.Equal(expected.Real, actual.Real, $"{what}: float8");
        Check.Equal(expected.Exact, actual.Exact, $"{what}: numeric, every digit");
        Check.True(JsonElement.DeepEquals(expected.Doc, actual.Doc), $"{what}: jsonb as nested JSON: expected {expected.Doc.GetRawText()}, got {actual.Doc.GetRawText()}");
        Check.Equal(expected.At, actual.At, $"{what}: timestamptz");
        Check.Equal(expected.Local, actual.Local, $"{what}: timestamp");
        Check.Equal(expected.Day, actual.Day, $"{what}: date");
        Check.Equal(expected.Id, actual.Id, $"{what}: uuid");
        Check.Equal(expected.Text, actual.Text, $"{what}: text");
        Check.Bytes(expected.Data, actual.Data, $"{what}: bytea");
    }

    public static async Task TypesRaw(Env env)
    {
        var raw = await Db(env).QueryRawAsync(
            """
            select 9007199254740993::int8 as big, 12345678901234567890.123456789::numeric as exact, 'NaN'::numeric as nan,
              'Infinity'::float8 as inf, '{"a": [1, {"b": true}]}'::json as doc, '2024-02-29 13:14:15.5+02'::timestamptz as at,
              '\x00ff10'::bytea as data, array[1, 2, 3] as list, $1::text as param
            """, ["é"]);

        Check.Sequence(["big", "exact", "nan", "inf", "doc", "at", "data", "list", "param"], raw.Columns.Select(c => c.Name), "QueryRawAsync: column names");
        Check.Sequence([20u, 1700u, 1700u, 701u, 114u, 1184u, 17u, 1007u, 25u], raw.Columns.Select(c => c.TypeOid), "QueryRawAsync: column type OIDs");
        Check.Equal("SELECT 1", raw.CommandTag, "QueryRawAsync: command tag");
        Check.Equal(1L, raw.RowsAffected, "QueryRawAsync: rows");
        var row = raw.Rows.Single();
        Check.Equal(9007199254740993L, row[0].GetInt64(), "int8 as a JSON number, exact beyond 2^53");
        Check.Equal("12345678901234567890.123456789", row[1].GetRawText(), "numeric as a JSON number with every digit");
        Check.Equal("NaN", row[2].GetString(), "numeric NaN (not a JSON number) as a string");
        Check.Equal("Infinity", row[3].GetString(), "float8 Infinity as a string");
        Check.Equal(JsonValueKind.Object, row[4].ValueKind, "json as nested JSON");
        Check.Equal(JsonValueKind.True, row[4].GetProperty("a")[1].GetProperty("b").ValueKind, "json as nested JSON: a.1.b");
        Check.Equal("2024-02-29T11:14:15.5+00:00", row[5].GetString(), "timestamptz as ISO 8601 (the server's time zone is UTC)");
        Check.Equal("AP8Q", row[6].GetString(), "bytea as base64");
        Check.Equal("{1,2,3}", row[7].GetString(), "an array as PostgreSQL's text");
        Check.Equal("é", row[8].GetString(), "a text parameter");
    }

    public static Task UnicodeText(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        const string text = "héllo wörld ✓ 日本語 🎉 e\u0301 — \"quoted\" \\ back\tslash";
        await InsertAsync(db, table, 1, text, 0, "ünïcødé ✓");

        var row = Check.NotNull(
            await db.QueryFirstAsync($"select title as text, length(title) as chars, octet_length(title) as bytes from {table} where title = $1", [text], HyperdriveJson.Default.PgText),
            "QueryFirstAsync<PgText> by a Unicode parameter");
        Check.Equal(text, row.Text, "Unicode text read back");
        Check.Equal(text.EnumerateRunes().Count(), row.Chars, "length(): the server saw the same characters");
        Check.Equal(Encoding.UTF8.GetByteCount(text), row.Bytes, "octet_length(): the server stored UTF-8");

        var literal = await db.QueryRawAsync($"select body, 'ÅÄÖ 🚀' as lit from {table} where body = 'ünïcødé ✓'", []);
        Check.Equal("ünïcødé ✓", literal.Rows.Single()[0].GetString(), "Unicode in the SQL text itself");
        Check.Equal("ÅÄÖ 🚀", literal.Rows.Single()[1].GetString(), "a Unicode literal");
    });

    public static async Task Bytea(Env env)
    {
        var db = Db(env);
        var table = Unique.Table();
        byte[] every = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
        var large = ContractData.Random(100 * 1024, seed: 5);
        await db.ExecuteAsync($"create table {table} (id bigint primary key, data bytea not null)", []);
        try
        {
            await db.ExecuteAsync($"insert into {table} (id, data) values ($1, $2), ($3, $4), ($5, $6)", [1, every, 2, large, 3, Array.Empty<byte>()]);
            var rows = await db.QueryAsync($"select id, data from {table} order by id", [], HyperdriveJson.Default.PgBytes);
            Check.Equal(3, rows.Count, "bytea rows");
            Check.Bytes(every, rows[0].Data, "bytea of every byte value");
            Check.Bytes(large, rows[1].Data, "bytea of 100 KiB");
            Check.Bytes(Array.Empty<byte>(), rows[2].Data, "an empty bytea");

            var lengths = await db.QueryRawAsync($"select octet_length(data) from {table} where data = $1", [new ReadOnlyMemory<byte>(every)]);
            Check.Equal(256, lengths.Rows.Single()[0].GetInt32(), "a bytea parameter compares equal to the stored value");
        }
        finally
        {
            await db.ExecuteAsync($"drop table if exists {table}", []);
        }
    }

    public static async Task LargeResult(Env env)
    {
        var rows = await Db(env).QueryAsync(
            "select g as id, repeat('x', 100) || g as title, g % 5 as stars, null as body from generate_series(1, $1::int) g", [5000], HyperdriveJson.Default.PgNote);
        Check.Equal(5000, rows.Count, "5000 rows of about 120 bytes");
        Check.Equal(new PgNote(5000, new string('x', 100) + "5000", 0, null), rows[^1], "the last row");
    }

    public static Task ParametersAreNotSql(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        var hostile = $"x'); drop table {table}; --";
        await InsertAsync(db, table, 1, hostile, 0, "$2");
        var row = await db.QueryFirstAsync($"select id, title, stars, body from {table} where title = $1", [hostile], HyperdriveJson.Default.PgNote);
        Check.Equal(new PgNote(1, hostile, 0, "$2"), row, "a parameter holding SQL is stored as text");
        Check.Equal(1L, await CountAsync(db, table), "the table is still there");
    });

    public static async Task BindUnsupportedTypeThrows(Env env)
    {
        await Check.ThrowsAsync(() => Db(env).ExecuteAsync("select $1", [new Uri("https://example.com")]), "ExecuteAsync with a Uri parameter", "cannot bind a Uri");
    }

    public static Task SqlErrorSqlState(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        var missing = Postgres(await Check.ThrowsAsync(() => db.ExecuteAsync("select * from contract_no_such_table", []), "a select from a missing table", "42P01", "does not exist"));
        Check.Equal("42P01", missing.SqlState, "missing table: SqlState");
        Check.Equal("ERROR", missing.Severity, "missing table: Severity");
        Check.True(missing.Message.StartsWith("42P01: ", StringComparison.Ordinal), $"the message starts with the SQLSTATE: {missing.Message}");

        var syntax = Postgres(await Check.ThrowsAsync(() => db.ExecuteAsync("selec 1", []), "a syntax error", "42601"));
        Check.Equal(1, syntax.Position, "syntax error: Position");

        await InsertAsync(db, table, 1, "one", 1, null);
        var duplicate = Postgres(await Check.ThrowsAsync(() => InsertAsync(db, table, 1, "again", 1, null), "an insert of a duplicate key", "23505"));
        Check.Equal(table, duplicate.TableName, "unique violation: TableName");
        Check.True(duplicate.ConstraintName is { Length: > 0 }, "unique violation: ConstraintName");

        var zero = Postgres(await Check.ThrowsAsync(() => db.ExecuteAsync("select 1 / $1::int", [0]), "a division by zero", "22012", "division by zero"));
        Check.Equal("22012", zero.SqlState, "division by zero: SqlState");
    });

    public static async Task SessionSurvivesAnError(Env env)
    {
        await using var session = await Db(env).ConnectAsync();
        await Check.ThrowsAsync(() => session.ExecuteAsync("select * from contract_no_such_table", []), "an error on a session", "42P01");
        var one = await session.QueryRawAsync("select $1::int + 1 as two", [1]);
        Check.Equal(2, one.Rows.Single()[0].GetInt32(), "the session answers after an error");

        await session.ExecuteAsync("begin", []);
        await Check.ThrowsAsync(() => session.ExecuteAsync("select 1 / 0", []), "an error inside a transaction", "22012");
        await Check.ThrowsAsync(() => session.ExecuteAsync("select 1", []), "a statement in an aborted transaction", "25P02");
        await session.ExecuteAsync("rollback", []);
        Check.Equal(3, (await session.QueryRawAsync("select 3", [])).Rows.Single()[0].GetInt32(), "the session answers after a rollback");
    }

    /// <summary>
    /// A session held across timers and yields: inside workerd the continuation after a timer can run in another
    /// request's context, yet the socket must still be used from its own (host/inbox.mjs).
    /// </summary>
    public static async Task SessionAcrossTimers(Env env)
    {
        await using var session = await Db(env).ConnectAsync();
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(2 + i);
            var row = await session.QueryRawAsync("select $1::int as i", [i]);
            Check.Equal(i, row.Rows.Single()[0].GetInt32(), $"a query after timer {i}");
            await Task.Yield();
        }
    }

    public static Task Transaction(Env env) => WithNotesAsync(env, async (db, table) =>
    {
        await using (var session = await db.ConnectAsync())
        {
            await session.ExecuteAsync("begin", []);
            await session.ExecuteAsync($"insert into {table} (id, title, stars) values ($1, $2, $3)", [1, "rolled back", 0]);
            await session.ExecuteAsync("rollback", []);
            await session.ExecuteAsync("begin", []);
            await session.ExecuteAsync($"insert into {table} (id, title, stars) values ($1, $2, $3)", [2, "committed", 0]);
            await session.ExecuteAsync("commit", []);
        }

        var rows = await db.QueryAsync($"select id, title, stars, body from {table} order by id", [], HyperdriveJson.Default.PgNote);
        Check.Sequence([new PgNote(2, "committed", 0, null)], rows, "after a rolled-back and a committed transaction");
    });

    public static async Task Script(Env env)
    {
        var db = Db(env);
        var table = Unique.Table();
        await db.RunScriptAsync($"create table {table} (id int primary key, title text); insert into {table} values (1, 'a'); insert into {table} values (2, 'b');");
        try
        {
            Check.Equal(2L, await CountAsync(db, table), "rows written by RunScriptAsync");
            await Check.ThrowsAsync(
                () => db.RunScriptAsync($"insert into {table} values (3, 'c'); insert into contract_no_such_table values (1);"), "a script whose second statement fails", "42P01");
            Check.Equal(2L, await CountAsync(db, table), "a failed script leaves nothing behind (one implicit transaction)");
        }
        finally
        {
            await db.ExecuteAsync($"drop table if exists {table}", []);
        }
    }

    public static async Task Md5AndCleartextAuth(Env env)
    {
        foreach (var binding in new[] { ContractBindings.PostgresMd5, ContractBindings.PostgresCleartext })
        {
            var result = await env.Hyperdrive(binding).QueryRawAsync("select $1::int * 2", [21]);
            Check.Equal(42, result.Rows.Single()[0].GetInt32(), $"a query through {binding}");
        }
    }

    public static async Task WrongPassword(Env env)
    {
        var e = Postgres(await Check.ThrowsAsync(
            () => env.Hyperdrive(ContractBindings.PostgresWrongPassword).ExecuteAsync("select 1", []), "a query with the wrong password", "28P01", "password authentication failed"));
        Check.Equal("FATAL", e.Severity, "wrong password: Severity");
    }

    public static async Task Unreachable(Env env)
    {
        await Check.ThrowsAsync(
            () => env.Hyperdrive(ContractBindings.PostgresUnreachable).ExecuteAsync("select 1", []),
            "a query to a database nothing listens for", $"Hyperdrive '{ContractBindings.PostgresUnreachable}' cannot reach its database");
    }

    /// <summary>The socket API on its own: an SSLRequest answered 'N', then a refused startup and the server's close.</summary>
    public static async Task RawSocket(Env env)
    {
        var db = Db(env);
        await using var socket = await env.ConnectAsync(db.Host, db.Port);
        Check.Equal(db.Port, socket.Port, "TcpSocket.Port");

        await socket.WriteAsync(new byte[] { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f });
        var answer = new byte[16];
        Check.Equal(1, await socket.ReadAsync(answer), "bytes read in answer to an SSLRequest");
        Check.Equal((byte)'N', answer[0], "the answer to an SSLRequest (no TLS)");

        // A startup message for protocol 2.0: the server answers with an ErrorResponse and closes the connection.
        var startup = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(startup, 8);
        BinaryPrimitives.WriteInt32BigEndian(startup.AsSpan(4), 2 << 16);
        await socket.WriteAsync(startup);
        var received = new List<byte>();
        var buffer = new byte[3]; // smaller than the message: reads must hand it over in pieces
        int read;
        while ((read = await socket.ReadAsync(buffer)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, read).ToArray());
            Check.True(received.Count < 10_000, "the server should close after its error");
        }

        Check.True(received.Count > 5 && received[0] == (byte)'E', $"an ErrorResponse before the close, got {received.Count} bytes");
        Check.Equal(0, await socket.ReadAsync(buffer), "a read after the end of the stream");
    }

    private static PostgresException Postgres(WorkerException e) =>
        e as PostgresException ?? throw new ContractFailure($"expected a PostgresException, got {e.GetType().Name}: {e.Message}", e);
}
