namespace Pmcp.Workers.Bindings;

/// <summary>
/// A Hyperdrive binding (<c>env.Hyperdrive("EXTERNAL_DB")</c>): a pooled connection to an external PostgreSQL or
/// MySQL database, given as a connection string and its parts.
/// </summary>
public sealed record Hyperdrive(string ConnectionString, string Host, int Port, string User, string Password, string Database);
