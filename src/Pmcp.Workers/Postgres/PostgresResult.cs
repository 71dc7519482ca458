using System.Text.Json;

namespace Pmcp.Workers.Postgres;

/// <summary>A result column: its name and its type's OID (<c>pg_type.oid</c>: 23 int4, 25 text, 3802 jsonb, …).</summary>
public sealed record PostgresColumn(string Name, uint TypeOid);

/// <summary>
/// A statement's rows as JSON values in column order, with its command tag (<c>SELECT 2</c>, <c>INSERT 0 1</c>)
/// and the rows it returned or changed.
/// </summary>
public sealed record PostgresResult(IReadOnlyList<PostgresColumn> Columns, IReadOnlyList<JsonElement[]> Rows, string CommandTag, long RowsAffected);
