using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// A D1 database as the SQLite file it is. Parameters bind positionally (<c>?1</c>, <c>?2</c>, … and plain <c>?</c>);
/// rows come back as JSON in column order the way D1 returns them (integers and reals as numbers, text as strings,
/// blobs as arrays of byte numbers, NULL as null); SQLite's errors surface as <c>D1_ERROR: &lt;SQLite's message&gt;</c>.
/// </summary>
public sealed partial class SqliteD1Backend : ID1Backend, IDisposable
{
    private readonly LocalSqliteDatabase _database;

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/>.</summary>
    /// <param name="path">The SQLite file; it and its folder are created when missing.</param>
    /// <exception cref="WorkerException">The file cannot be opened as a SQLite database.</exception>
    public SqliteD1Backend(string path) => _database = new LocalSqliteDatabase(path);

    /// <summary>Statements on a database another store owns too (a Durable Object's file, beside its key-value table).</summary>
    internal SqliteD1Backend(LocalSqliteDatabase database) => _database = database;

    /// <summary>The SQLite file's full path.</summary>
    public string Path => _database.Path;

    /// <summary>
    /// Runs one statement: its rows as D1 encodes them, and D1's meta (changes, last row id, duration).
    /// </summary>
    /// <param name="statement">The SQL and its parameters (null, long, double, string or byte[]).</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    /// <exception cref="WorkerException">
    /// The statement failed (<c>D1_ERROR: …</c> with SQLite's message), or the number of parameters bound is not the
    /// number the SQL takes.
    /// </exception>
    public Task<D1RawResult> QueryAsync(D1Statement statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var prepared = Prepare(statement);
        return _database.RunAsync(connection => Run(connection, null, prepared), cancellationToken);
    }

    /// <summary>Runs the statements in one transaction: if one fails, all are rolled back.</summary>
    /// <param name="statements">The statements, in order.</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    /// <returns>One result per statement, in order.</returns>
    /// <exception cref="WorkerException">A statement failed (<c>D1_ERROR: …</c>); nothing was changed.</exception>
    public Task<IReadOnlyList<D1RawResult>> BatchAsync(IReadOnlyList<D1Statement> statements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var prepared = statements.Select(Prepare).ToList();
        return _database.RunAsync<IReadOnlyList<D1RawResult>>(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var results = new List<D1RawResult>(prepared.Count);
            foreach (var statement in prepared)
            {
                // A failure throws past Commit, and disposing the transaction rolls every statement back.
                results.Add(Run(connection, transaction, statement));
            }

            transaction.Commit();
            return results;
        }, cancellationToken);
    }

    /// <summary>Runs each statement of the script in turn, as D1's exec does: those before a failing one stay applied.</summary>
    /// <param name="sql">The statements, separated by semicolons.</param>
    /// <param name="cancellationToken">Cancels the wait for the database.</param>
    /// <exception cref="WorkerException">
    /// A statement failed: <c>D1_EXEC_ERROR: Error in line N: …</c>, as D1 words it.
    /// </exception>
    public Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        var statements = SqlText.SplitStatements(sql);
        return _database.RunAsync(connection =>
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < statements.Count; i++)
            {
                try
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = statements[i];
                    command.ExecuteNonQuery();
                }
                catch (SqliteException e)
                {
                    throw new WorkerException($"D1_EXEC_ERROR: Error in line {i + 1}: {statements[i]}: {SqliteMessage(e)}: {CodeName(e.SqliteErrorCode)}", e);
                }
            }

            return new D1ExecResult(statements.Count, watch.Elapsed.TotalMilliseconds);
        }, cancellationToken);
    }

    /// <summary>Closes the SQLite file.</summary>
    public void Dispose() => _database.Dispose();

    private static (string Sql, IReadOnlyList<object?> Parameters) Prepare(D1Statement statement)
    {
        var (sql, count) = SqlText.NumberParameters(statement.Sql);
        return count == statement.Parameters.Count
            ? (sql, statement.Parameters)
            : throw new WorkerException(
                $"D1_ERROR: Wrong number of parameter bindings for SQL query. The statement takes {count} and {statement.Parameters.Count} were bound: {Shorten(statement.Sql)}");
    }

    private static D1RawResult Run(SqliteConnection connection, SqliteTransaction? transaction, (string Sql, IReadOnlyList<object?> Parameters) statement)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var totalBefore = Scalar(connection, transaction, "SELECT total_changes()");
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement.Sql;
            for (var i = 0; i < statement.Parameters.Count; i++)
            {
                command.Parameters.Add(Parameter(i + 1, statement.Parameters[i]));
            }

            string[] columns;
            List<JsonElement[]> rows;
            long changes;
            using (var reader = command.ExecuteReader())
            {
                columns = [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
                rows = ReadRows(reader);
                while (reader.NextResult())
                {
                    // Later statements of a multi-statement query run for their effect only.
                }

                changes = Math.Max(0, reader.RecordsAffected);
            }

            var changed = Scalar(connection, transaction, "SELECT total_changes()") > totalBefore || IsSchemaChange(statement.Sql);
            var meta = new D1Meta
            {
                Duration = watch.Elapsed.TotalMilliseconds,
                Changes = changes,
                LastRowId = Scalar(connection, transaction, "SELECT last_insert_rowid()"),
                ChangedDb = changed,
                RowsRead = rows.Count,
                RowsWritten = changes,
            };
            return new D1RawResult(columns, rows, meta);
        }
        catch (SqliteException e)
        {
            throw new WorkerException($"D1_ERROR: {SqliteMessage(e)}: {CodeName(e.SqliteErrorCode)}", e);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("parameters", StringComparison.OrdinalIgnoreCase))
        {
            throw new WorkerException($"D1_ERROR: {e.Message} D1 binds only positional parameters: ?1, ?2, … or plain ?.", e);
        }
    }

    private static SqliteParameter Parameter(int position, object? value)
    {
        var name = "?" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return value switch
        {
            null => new SqliteParameter(name, DBNull.Value),
            long l => new SqliteParameter(name, SqliteType.Integer) { Value = l },
            double d => new SqliteParameter(name, SqliteType.Real) { Value = d },
            string s => new SqliteParameter(name, SqliteType.Text) { Value = s },
            byte[] b => new SqliteParameter(name, SqliteType.Blob) { Value = b },
            _ => throw new WorkerException($"D1 cannot bind a {value.GetType().Name} at ?{position}; bind null, long, double, string or byte[]."),
        };
    }

    /// <summary>Rows as one JSON document (values as D1 encodes them), split into arrays of elements.</summary>
    private static List<JsonElement[]> ReadRows(SqliteDataReader reader)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var count = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            while (reader.Read())
            {
                count++;
                writer.WriteStartArray();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    switch (reader.GetValue(i))
                    {
                        case long l: writer.WriteNumberValue(l); break;
                        case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
                        case string s: writer.WriteStringValue(s); break;
                        case byte[] bytes:
                            writer.WriteStartArray();
                            foreach (var b in bytes)
                            {
                                writer.WriteNumberValue(b);
                            }

                            writer.WriteEndArray();
                            break;
                        default: writer.WriteNullValue(); break; // NULL, and infinities JSON cannot carry
                    }
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        if (count == 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var root = document.RootElement.Clone();
        return [.. root.EnumerateArray().Select(row => row.EnumerateArray().ToArray())];
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static bool IsSchemaChange(string sql)
    {
        var text = sql.TrimStart();
        return text.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DROP", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("ALTER", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>SQLite's own message, without Microsoft.Data.Sqlite's "SQLite Error 1: '…'." wrapping.</summary>
    internal static string SqliteMessage(SqliteException e) =>
        WrappedMessage().Match(e.Message) is { Success: true } match ? match.Groups[1].Value : e.Message;

    internal static string CodeName(int code) => (code & 0xFF) switch
    {
        1 => "SQLITE_ERROR",
        4 => "SQLITE_ABORT",
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        8 => "SQLITE_READONLY",
        11 => "SQLITE_CORRUPT",
        13 => "SQLITE_FULL",
        18 => "SQLITE_TOOBIG",
        19 => "SQLITE_CONSTRAINT",
        20 => "SQLITE_MISMATCH",
        25 => "SQLITE_RANGE",
        _ => $"SQLITE_{code}",
    };

    private static string Shorten(string sql) => sql.Length > 120 ? sql[..120] + "…" : sql;

    [GeneratedRegex(@"^SQLite Error \d+: '(.*)'\.\z", RegexOptions.Singleline)]
    private static partial Regex WrappedMessage();
}
