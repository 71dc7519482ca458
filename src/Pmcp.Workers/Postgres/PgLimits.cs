namespace Pmcp.Workers.Postgres;

/// <summary>
/// What the PostgreSQL client accepts from a server before giving up, so that a hostile or broken server (or something
/// else listening on the port) cannot make a Worker spend unbounded CPU, memory or time. Each limit, when hit, throws a
/// <see cref="WorkerException"/> naming it. docs/security.md lists them.
/// </summary>
internal sealed record PgLimits
{
    /// <summary>The limits every connection uses.</summary>
    public static PgLimits Default { get; } = new();

    /// <summary>
    /// The most SCRAM-SHA-256 iterations (PBKDF2 rounds) a server may ask for. PostgreSQL's default is 4,096; 100,000
    /// leaves room for servers configured stronger while bounding the work (about 50 ms natively, seconds in workerd's
    /// interpreter, once per isolate thanks to the cache).
    /// </summary>
    public int MaxScramIterations { get; init; } = 100_000;

    /// <summary>The largest single message (a row, an error): 16 MiB.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>The most row data one statement may return, all rows together: 32 MiB.</summary>
    public long MaxResultBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>How long opening the TCP connection may take: 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the start-up (authentication up to ReadyForQuery) may take: 30 seconds.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server may stay silent while answering a statement, between two messages: 60 seconds.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A byte count for a message: "16 MiB" for whole mebibytes, else the bytes.</summary>
    public static string Size(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";
}
