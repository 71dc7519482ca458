namespace Pmcp.Workers;

/// <summary>
/// A Worker misconfiguration or a failed Workers API call; the message says what to do. One catch covers every binding:
/// <see cref="Postgres.PostgresException"/> (Hyperdrive) derives from it to add what PostgreSQL reported.
/// </summary>
public class WorkerException(string message, Exception? inner = null) : Exception(message, inner);
