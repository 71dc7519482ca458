using System.Text.Json.Serialization.Metadata;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.DurableObjects;

/// <summary>
/// A Durable Object's SQLite database (<c>ctx.storage.sql</c>): statements with bound parameters (<c>?</c> or
/// <c>?1</c>, <c>?2</c>, …), rows into records by column name.
/// <code>
/// await State.Storage.Sql.ExecAsync("CREATE TABLE IF NOT EXISTS hits (at TEXT NOT NULL)");
/// await State.Storage.Sql.ExecAsync("INSERT INTO hits (at) VALUES (?)", DateTimeOffset.UtcNow);
/// var rows = await State.Storage.Sql.ExecAsync("SELECT count(*) AS n FROM hits", AppJson.Default.CountRow);
/// </code>
/// </summary>
public sealed class SqlStorage
{
    private readonly ID1Backend _backend;

    internal SqlStorage(ID1Backend backend) => _backend = backend;

    /// <summary>Runs one statement and reads its rows as <typeparamref name="T"/> (columns matched to properties by name).</summary>
    /// <typeparam name="T">The row type; a blob column fills a <c>byte[]</c> property.</typeparam>
    /// <param name="query">One SQL statement.</param>
    /// <param name="rowType">The row type's source-generated JSON metadata.</param>
    /// <param name="bindings">The parameters, in order: null, strings, numbers, bools (1/0), byte arrays.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="WorkerException">SQLite refused the statement (its message says why), or a parameter has a type SQL cannot bind.</exception>
    public async Task<IReadOnlyList<T>> ExecAsync<T>(string query, JsonTypeInfo<T> rowType, params object?[] bindings)
    {
        ArgumentNullException.ThrowIfNull(rowType);
        var result = await Statement(query, bindings).AllAsync(rowType).ConfigureAwait(false);
        return result.Results;
    }

    /// <summary>Runs one statement (or, without bindings, several separated by semicolons) for its effect and its rows as they are.</summary>
    /// <param name="query">The SQL.</param>
    /// <param name="bindings">The parameters, in order.</param>
    /// <returns>The columns, the rows as JSON values, and how many rows were read and written.</returns>
    /// <exception cref="WorkerException">SQLite refused the statement.</exception>
    public async Task<SqlResult> ExecAsync(string query, params object?[] bindings)
    {
        var statement = Statement(query, bindings);
        var result = await _backend.QueryWithColumnsAsync(statement.Statement, CancellationToken.None).ConfigureAwait(false);
        return new SqlResult(result.Columns, result.Rows, result.Meta.RowsRead, result.Meta.RowsWritten);
    }

    /// <summary>Runs the statements in one transaction (<c>transactionSync</c>): all apply, or none does.</summary>
    /// <param name="statements">The statements and their parameters, in order.</param>
    /// <exception cref="WorkerException">A statement failed; nothing was changed.</exception>
    public async Task TransactionAsync(params (string Query, object?[] Bindings)[] statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        await _backend.BatchAsync([.. statements.Select(s => Statement(s.Query, s.Bindings).Statement)], CancellationToken.None).ConfigureAwait(false);
    }

    private D1PreparedStatement Statement(string query, object?[]? bindings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var statement = new D1PreparedStatement(_backend, query, []);
        return bindings is { Length: > 0 } ? statement.Bind(bindings) : statement;
    }
}

/// <summary>What a SQL statement returned.</summary>
/// <param name="Columns">The column names, in order.</param>
/// <param name="Rows">One array per row, in column order (blobs as arrays of byte values).</param>
/// <param name="RowsRead">Rows SQLite read.</param>
/// <param name="RowsWritten">Rows SQLite wrote.</param>
public sealed record SqlResult(IReadOnlyList<string> Columns, IReadOnlyList<System.Text.Json.JsonElement[]> Rows, long RowsRead, long RowsWritten);
