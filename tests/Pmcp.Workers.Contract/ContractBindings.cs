namespace Pmcp.Workers.Contract;

/// <summary>
/// The bindings the contract runs against. Both hosts read them from tests/Workers/BindingsWorker/.pmcp/workers/wrangler.toml,
/// so a runner only has to point its Env at that file.
/// </summary>
public static class ContractBindings
{
    public const string Kv = "CACHE";

    public const string D1 = "DB";

    public const string R2 = "STORAGE";

    public const string Var = "GREETING";

    public const string VarValue = "hello";

    /// <summary>
    /// The service binding of tests/Workers/ServicesWorker: the JS Worker tests/Workers/EchoService inside workerd,
    /// Pmcp.Testing's ServiceEchoServer natively.
    /// </summary>
    public const string Service = "ECHO";

    /// <summary>
    /// ServicesWorker's second service binding: the C# Worker tests/Workers/EchoWorker inside workerd (the same answers);
    /// ServiceEchoServer natively.
    /// </summary>
    public const string CSharpService = "ECHO_CS";

    /// <summary>
    /// The Durable Object namespace of tests/Workers/DurableWorker: objects of the class <see cref="CounterClass"/>
    /// (<see cref="ContractCounter"/>).
    /// </summary>
    public const string Counter = "COUNTER";

    /// <summary>The class name of <see cref="ContractCounter"/> (wrangler.toml's class_name).</summary>
    public const string CounterClass = "ContractCounter";

    /// <summary>A name no wrangler.toml of the contract declares, for the "not bound" cases.</summary>
    public const string Unbound = "CONTRACT_NOT_BOUND";

    // Hyperdrive: one PostgreSQL (tests/e2e/postgres-server.mjs) reached through five bindings. wrangler.toml gives each
    // a placeholder localConnectionString; the runners point them at the test server through wrangler's own variable,
    // CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_<BINDING>, which workerd and the native host both read.

    /// <summary>The main database, whose user signs in with SCRAM-SHA-256.</summary>
    public const string Postgres = "PG";

    /// <summary>The same database as a user with md5 authentication.</summary>
    public const string PostgresMd5 = "PG_MD5";

    /// <summary>The same database as a user with cleartext password authentication.</summary>
    public const string PostgresCleartext = "PG_CLEARTEXT";

    /// <summary>The main user with the wrong password.</summary>
    public const string PostgresWrongPassword = "PG_WRONG_PASSWORD";

    /// <summary>A port nothing listens on.</summary>
    public const string PostgresUnreachable = "PG_UNREACHABLE";

    public const string PostgresUser = "contract";

    public const string PostgresPassword = "contract-secret";

    public const string PostgresDatabase = "contract";

    /// <summary>The test server's users, as postgres-server.mjs takes them: name:method:password.</summary>
    public static IReadOnlyList<string> PostgresUsers { get; } =
        [$"{PostgresUser}:scram-sha-256:{PostgresPassword}", "legacy:md5:legacy-secret", "plain:password:plain secret"];

    /// <summary>The environment that points every Hyperdrive binding at a test server on <paramref name="port"/>.</summary>
    public static IReadOnlyDictionary<string, string> HyperdriveEnvironment(int port, int closedPort) => new Dictionary<string, string>
    {
        [HyperdriveVariable(Postgres)] = $"postgres://{PostgresUser}:{PostgresPassword}@127.0.0.1:{port}/{PostgresDatabase}",
        [HyperdriveVariable(PostgresMd5)] = $"postgres://legacy:legacy-secret@127.0.0.1:{port}/{PostgresDatabase}",
        [HyperdriveVariable(PostgresCleartext)] = $"postgres://plain:plain%20secret@127.0.0.1:{port}/{PostgresDatabase}",
        [HyperdriveVariable(PostgresWrongPassword)] = $"postgres://{PostgresUser}:not-the-password@127.0.0.1:{port}/{PostgresDatabase}",
        [HyperdriveVariable(PostgresUnreachable)] = $"postgres://{PostgresUser}:{PostgresPassword}@127.0.0.1:{closedPort}/{PostgresDatabase}",
    };

    private static string HyperdriveVariable(string binding) => "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_" + binding;
}
