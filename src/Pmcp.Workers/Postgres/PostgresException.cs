namespace Pmcp.Workers.Postgres;

/// <summary>
/// An error PostgreSQL reported (an ErrorResponse): <see cref="SqlState"/> says what failed
/// (<see href="https://www.postgresql.org/docs/current/errcodes-appendix.html">the SQLSTATE codes</see>: 42P01 no
/// such table, 23505 unique violation, 28P01 wrong password, …), the message is the server's own, as
/// <c>42P01: relation "notes" does not exist</c>. <see cref="Detail"/> may quote row values, so it is kept out of
/// the message (which may end up in logs or a tool's answer).
/// </summary>
public sealed class PostgresException(string sqlState, string severity, string messageText) : WorkerException($"{sqlState}: {messageText}")
{
    /// <summary>The five-character SQLSTATE code, such as <c>23505</c> (unique violation); test it rather than the message.</summary>
    public string SqlState { get; } = sqlState;

    /// <summary>ERROR, FATAL or PANIC (never localized).</summary>
    public string Severity { get; } = severity;

    /// <summary>The server's primary message, without the SQLSTATE.</summary>
    public string MessageText { get; } = messageText;

    /// <summary>The server's secondary message, when it sent one; it may quote row values, so log it with care.</summary>
    public string? Detail { get; init; }

    /// <summary>The server's suggestion for fixing the problem, when it sent one.</summary>
    public string? Hint { get; init; }

    /// <summary>Where in the SQL text the error is (1-based, in characters), when the server says.</summary>
    public int? Position { get; init; }

    /// <summary>The schema of the object the error concerns, when the server names one.</summary>
    public string? SchemaName { get; init; }

    /// <summary>The table the error concerns, when the server names one.</summary>
    public string? TableName { get; init; }

    /// <summary>The column the error concerns, when the server names one.</summary>
    public string? ColumnName { get; init; }

    /// <summary>The constraint that failed (such as a unique index), when the server names one.</summary>
    public string? ConstraintName { get; init; }
}
