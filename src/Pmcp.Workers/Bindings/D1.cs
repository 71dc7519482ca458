using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Bindings;

/// <summary>
/// A D1 database (<c>env.D1("DB")</c>): SQLite at the edge. Values reach SQL only as bound parameters —
/// <c>Prepare("SELECT … WHERE id = ?1").Bind(id)</c> — never by building SQL from strings.
/// </summary>
/// <param name="name">The binding's name in wrangler.toml.</param>
/// <param name="backend">The database behind the binding: workerd's D1 binding, or a local SQLite file.</param>
public sealed class D1Database(string name, ID1Backend backend)
{
    /// <summary>The binding's name in wrangler.toml.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// A statement to bind values to and run (D1's <c>prepare</c>). Nothing reaches the database until it runs; the
    /// statement can be bound and run any number of times.
    /// </summary>
    /// <param name="sql">One SQL statement, with <c>?1</c>, <c>?2</c>, … (or plain <c>?</c>) where values go.</param>
    /// <exception cref="ArgumentException"><paramref name="sql"/> is null, empty or white space.</exception>
    public D1PreparedStatement Prepare(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        return new D1PreparedStatement(backend, sql, []);
    }

    /// <summary>Runs the statements in one transaction: if one fails, none of them leaves a change behind.</summary>
    /// <param name="statements">The bound statements, run in order.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>One result per statement, in order.</returns>
    /// <exception cref="WorkerException">A statement failed; the whole batch was rolled back.</exception>
    public async Task<IReadOnlyList<D1Result>> BatchAsync(IEnumerable<D1PreparedStatement> statements, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var list = statements.Select(s => s.Statement).ToList();
        var results = await backend.BatchAsync(list, cancellationToken).ConfigureAwait(false);
        return [.. results.Select(r => new D1Result(r))];
    }

    /// <summary>Runs SQL without parameters, one or more statements separated by semicolons (schema set-up).</summary>
    /// <param name="sql">The statements; no values are bound, so never build it from user input.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>How many statements ran, and how long they took.</returns>
    /// <exception cref="WorkerException">
    /// A statement failed (<c>D1_EXEC_ERROR</c>); it is not a transaction, so the statements before it stay applied.
    /// </exception>
    public Task<D1ExecResult> ExecAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        return backend.ExecAsync(sql, cancellationToken);
    }
}

/// <summary>A statement with its bound parameters. <see cref="Bind"/> returns a new statement; this one is unchanged.</summary>
public sealed class D1PreparedStatement
{
    private readonly ID1Backend _backend;

    internal D1PreparedStatement(ID1Backend backend, string sql, IReadOnlyList<object?> parameters)
    {
        _backend = backend;
        Statement = new D1Statement(sql, parameters);
    }

    /// <summary>The SQL and the values bound so far, already converted to D1's types.</summary>
    public D1Statement Statement { get; }

    /// <summary>Binds <c>?1</c>, <c>?2</c>, … in order: null, strings, integers, floating point, bools (as 1/0), byte arrays (blobs).</summary>
    /// <param name="values">
    /// The values, replacing any bound before. Also accepted: <see cref="ReadOnlyMemory{T}"/> of bytes (a blob),
    /// and <see cref="Guid"/>, <see cref="DateTimeOffset"/>, <see cref="DateTime"/> and enums, bound as their
    /// invariant text.
    /// </param>
    /// <exception cref="WorkerException">
    /// A value is of another type, or a <see cref="ulong"/> above <see cref="long.MaxValue"/>.
    /// </exception>
    public D1PreparedStatement Bind(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new D1PreparedStatement(_backend, Statement.Sql, [.. values.Select(Normalize)]);
    }

    /// <summary>The first row as <typeparamref name="T"/> (columns matched to properties by name), or default when there is none.</summary>
    /// <typeparam name="T">The row type; a blob column fills a <c>byte[]</c> property.</typeparam>
    /// <param name="typeInfo">
    /// The row type's source-generated JSON metadata, such as <c>MyJson.Default.Note</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// D1 refused the statement: <c>D1_ERROR: …</c> with SQLite's message.
    /// </exception>
    public async Task<T?> FirstAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var result = await _backend.QueryAsync(Statement, cancellationToken).ConfigureAwait(false);
        return result.Rows.Count == 0 ? default : Row(result.Columns, result.Rows[0], BlobProperties(typeInfo), typeInfo);
    }

    /// <summary>One column of the first row, or null when there is no row.</summary>
    /// <param name="column">The column's name as the query returns it.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <returns>The value as D1 gives it (a SQL NULL is a JSON null element), or null when there is no row.</returns>
    /// <exception cref="WorkerException">
    /// The statement failed, or the result has no column named <paramref name="column"/>.
    /// </exception>
    public async Task<JsonElement?> FirstValueAsync(string column, CancellationToken cancellationToken = default)
    {
        var result = await _backend.QueryAsync(Statement, cancellationToken).ConfigureAwait(false);
        if (result.Rows.Count == 0)
        {
            return null;
        }

        var index = result.Columns.ToList().IndexOf(column);
        return index >= 0 ? result.Rows[0][index] : throw new WorkerException($"D1: the result has no column '{column}' (it has {string.Join(", ", result.Columns)}).");
    }

    /// <summary>Every row as <typeparamref name="T"/>, with the query's meta.</summary>
    /// <typeparam name="T">
    /// The row type; columns are matched to properties by name, and a blob column fills a <c>byte[]</c>.
    /// </typeparam>
    /// <param name="typeInfo">
    /// The row type's source-generated JSON metadata, such as <c>MyJson.Default.Note</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// D1 refused the statement: <c>D1_ERROR: …</c> with SQLite's message.
    /// </exception>
    public async Task<D1Result<T>> AllAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var result = await _backend.QueryAsync(Statement, cancellationToken).ConfigureAwait(false);
        var blobs = BlobProperties(typeInfo);
        var rows = result.Rows.Select(r => Row(result.Columns, r, blobs, typeInfo)!).ToList();
        return new D1Result<T>(rows, result.Meta);
    }

    /// <summary>Runs a statement for its effect: changes, last row id, duration.</summary>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// D1 refused the statement: <c>D1_ERROR: …</c> with SQLite's message.
    /// </exception>
    public async Task<D1Result> RunAsync(CancellationToken cancellationToken = default) =>
        new(await _backend.QueryAsync(Statement, cancellationToken).ConfigureAwait(false));

    /// <summary>Rows as arrays of values in column order (and the column names, even when there is no row). Blobs are arrays of byte values, as D1 gives them.</summary>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// D1 refused the statement: <c>D1_ERROR: …</c> with SQLite's message.
    /// </exception>
    public async Task<D1RawRows> RawAsync(CancellationToken cancellationToken = default)
    {
        var result = await _backend.QueryWithColumnsAsync(Statement, cancellationToken).ConfigureAwait(false);
        return new D1RawRows(result.Columns, result.Rows);
    }

    private static object? Normalize(object? value) => value switch
    {
        null => null,
        string or long or double or byte[] => value,
        int or short or byte or sbyte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        float or decimal => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        bool b => b ? 1L : 0L,
        ReadOnlyMemory<byte> memory => memory.ToArray(),
        Guid or DateTimeOffset or DateTime or Enum => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new WorkerException($"D1 cannot bind a {value.GetType().Name}; bind strings, numbers, bools, byte arrays or null."),
    };

    /// <summary>
    /// The JSON names of <typeparamref name="T"/>'s byte-array properties. D1 gives a blob as an array of byte values;
    /// System.Text.Json reads <c>byte[]</c> from base64, so those columns are rewritten for them (from the source
    /// generator's metadata: no reflection).
    /// </summary>
    private static HashSet<string>? BlobProperties<T>(JsonTypeInfo<T> typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return null;
        }

        var comparer = typeInfo.Options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var names = typeInfo.Properties
            .Where(p => p.PropertyType == typeof(byte[]) || p.PropertyType == typeof(ReadOnlyMemory<byte>) || p.PropertyType == typeof(Memory<byte>))
            .Select(p => p.Name)
            .ToHashSet(comparer);
        return names.Count == 0 ? null : names;
    }

    /// <summary>One row as <typeparamref name="T"/>: its columns written as one JSON object and read straight from those bytes.</summary>
    private static T? Row<T>(IReadOnlyList<string> columns, JsonElement[] row, HashSet<string>? blobColumns, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i]);
                if (blobColumns is not null && row[i].ValueKind == JsonValueKind.Array && blobColumns.Contains(columns[i]))
                {
                    writer.WriteBase64StringValue(BlobBytes(row[i]));
                }
                else
                {
                    row[i].WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, typeInfo);
    }

    private static byte[] BlobBytes(JsonElement values)
    {
        var bytes = new byte[values.GetArrayLength()];
        var i = 0;
        foreach (var value in values.EnumerateArray())
        {
            bytes[i++] = value.TryGetByte(out var b) ? b : throw new WorkerException("D1: a blob column holds something other than byte values.");
        }

        return bytes;
    }
}

/// <summary>What D1 reports about a statement.</summary>
public sealed record D1Meta
{
    /// <summary>Milliseconds the database spent.</summary>
    public double Duration { get; init; }

    /// <summary>Rows inserted, updated or deleted.</summary>
    public long Changes { get; init; }

    /// <summary>The rowid of the last inserted row.</summary>
    public long LastRowId { get; init; }

    /// <summary>Whether the statement changed the database (its data or its schema).</summary>
    public bool ChangedDb { get; init; }

    /// <summary>Rows the statement read, as D1 counts them for billing.</summary>
    public long RowsRead { get; init; }

    /// <summary>Rows the statement wrote, as D1 counts them for billing.</summary>
    public long RowsWritten { get; init; }
}

/// <summary>What running a statement reports: its meta and, in <see cref="Raw"/>, any rows.</summary>
/// <param name="Meta">What D1 reports about the statement.</param>
public sealed record D1Result(D1Meta Meta)
{
    internal D1Result(D1RawResult raw)
        : this(raw.Meta)
    {
        Raw = raw;
    }

    /// <summary>The rows, when the statement returned any.</summary>
    public D1RawResult? Raw { get; }
}

/// <summary>A query's rows, read as <typeparamref name="T"/>, and its meta (D1's <c>all()</c>).</summary>
/// <typeparam name="T">The row type.</typeparam>
/// <param name="Results">Every row, in the order the query returned them.</param>
/// <param name="Meta">What D1 reports about the statement.</param>
public sealed record D1Result<T>(IReadOnlyList<T> Results, D1Meta Meta);

/// <summary>A query's rows as values in column order (D1's <c>raw({ columnNames: true })</c>).</summary>
/// <param name="Columns">The column names, present even when there is no row.</param>
/// <param name="Rows">
/// One array per row, in column order: numbers, strings, null, and blobs as arrays of byte values.
/// </param>
public sealed record D1RawRows(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows);

/// <summary>What <see cref="D1Database.ExecAsync"/> reports.</summary>
/// <param name="Count">How many statements ran.</param>
/// <param name="Duration">Milliseconds the database spent.</param>
public sealed record D1ExecResult(int Count, double Duration);
