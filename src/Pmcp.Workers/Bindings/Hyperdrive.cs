using System.Text.Json.Serialization.Metadata;
using Pmcp.Workers.Postgres;
using Pmcp.Workers.Sockets;

namespace Pmcp.Workers.Bindings;

/// <summary>
/// A Hyperdrive binding (<c>env.Hyperdrive("EXTERNAL_DB")</c>): Cloudflare's pooled, cached route to an external
/// PostgreSQL database. It gives the connection string and its parts, and runs queries through it:
/// <code>
/// var notes = await env.Hyperdrive("DB").QueryAsync("select id, title from notes where owner = $1", [owner], MyJson.Default.Note);
/// </code>
/// <para>
/// A Worker reaches Hyperdrive over TCP (workerd's <c>connect()</c>; the host in the connection string is Hyperdrive's
/// endpoint), so queries speak the PostgreSQL wire protocol over a <see cref="TcpSocket"/>: an HTTP database driver
/// would go around Hyperdrive, not through it. Each call opens a connection, runs one statement and closes it —
/// Hyperdrive keeps the pool of real connections to the database, so opening one is cheap and nothing needs to outlive
/// the request (workerd forbids that anyway). For several statements on one session (a transaction), use
/// <see cref="ConnectAsync"/>. Under <c>wrangler dev</c> and natively, the same code reaches the local database of
/// <c>localConnectionString</c> directly, without TLS.
/// </para>
/// </summary>
public sealed class Hyperdrive
{
    private readonly ISocketConnector? _sockets;

    /// <summary>
    /// A binding's configuration, as a host builds it: what Workers' <c>env.HYPERDRIVE</c> gives. Hosts and tests
    /// make one; Worker code gets it from <c>env.Hyperdrive("NAME")</c>, which also gives it the request's sockets
    /// (one made here has none, so its queries fail).
    /// </summary>
    /// <param name="connectionString">
    /// The whole connection string, <c>postgres://user:password@host:port/database</c>.
    /// </param>
    /// <param name="host">The host to connect to.</param>
    /// <param name="port">The TCP port, usually 5432.</param>
    /// <param name="user">The database user.</param>
    /// <param name="password">The user's password.</param>
    /// <param name="database">The database's name.</param>
    /// <exception cref="ArgumentNullException">A string argument is null.</exception>
    public Hyperdrive(string connectionString, string host, int port, string user, string password, string database)
        : this(connectionString, host, port, user, password, database, "", null)
    {
    }

    private Hyperdrive(string connectionString, string host, int port, string user, string password, string database, string name, ISocketConnector? sockets)
    {
        ConnectionString = connectionString ?? throw new ArgumentNullException(nameof(connectionString));
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Port = port;
        User = user ?? throw new ArgumentNullException(nameof(user));
        Password = password ?? throw new ArgumentNullException(nameof(password));
        Database = database ?? throw new ArgumentNullException(nameof(database));
        Name = name;
        _sockets = sockets;
    }

    /// <summary>The binding's name in wrangler.toml.</summary>
    public string Name { get; }

    /// <summary>
    /// The connection string (<c>postgres://user:password@host:port/database</c>) to hand a driver, as Workers'
    /// <c>connectionString</c>; it holds the password.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The host to connect to: Hyperdrive's endpoint inside workerd, the local database's host otherwise.
    /// </summary>
    public string Host { get; }

    /// <summary>The TCP port to connect to.</summary>
    public int Port { get; }

    /// <summary>The database user.</summary>
    public string User { get; }

    /// <summary>The user's password; <see cref="ToString"/> leaves it out.</summary>
    public string Password { get; }

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>Every row, read into <typeparamref name="T"/> (columns matched to properties by name).</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="sql">One statement, with <c>$1</c>, <c>$2</c>, … where the values go.</param>
    /// <param name="parameters">The values for <c>$1</c>, <c>$2</c>, …, in order; empty for none.</param>
    /// <param name="typeInfo">
    /// The row type's source-generated JSON metadata, such as <c>MyJson.Default.Note</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The database cannot be reached, or this host has no TCP sockets.</exception>
    /// <exception cref="PostgresException">
    /// PostgreSQL refused the statement or the login (its SQLSTATE says why).
    /// </exception>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, IReadOnlyList<object?> parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(sql, parameters, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first row as <typeparamref name="T"/>, or default when there is none.</summary>
    /// <typeparam name="T">The row type; columns are matched to properties by name.</typeparam>
    /// <param name="sql">One statement, with <c>$1</c>, <c>$2</c>, … where the values go.</param>
    /// <param name="parameters">The values for <c>$1</c>, <c>$2</c>, …, in order; empty for none.</param>
    /// <param name="typeInfo">
    /// The row type's source-generated JSON metadata, such as <c>MyJson.Default.Note</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The database cannot be reached, or this host has no TCP sockets.</exception>
    /// <exception cref="PostgresException">
    /// PostgreSQL refused the statement or the login (its SQLSTATE says why).
    /// </exception>
    public async Task<T?> QueryFirstAsync<T>(string sql, IReadOnlyList<object?> parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryFirstAsync(sql, parameters, typeInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a statement for its effect; returns the rows it inserted, updated or deleted.</summary>
    /// <param name="sql">One statement, with <c>$1</c>, <c>$2</c>, … where the values go.</param>
    /// <param name="parameters">The values for <c>$1</c>, <c>$2</c>, …, in order; empty for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The database cannot be reached, or this host has no TCP sockets.</exception>
    /// <exception cref="PostgresException">
    /// PostgreSQL refused the statement or the login (its SQLSTATE says why).
    /// </exception>
    public async Task<long> ExecuteAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rows as JSON values in column order, with the columns and the command tag.</summary>
    /// <param name="sql">One statement, with <c>$1</c>, <c>$2</c>, … where the values go.</param>
    /// <param name="parameters">The values for <c>$1</c>, <c>$2</c>, …, in order; empty for none.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The database cannot be reached, or this host has no TCP sockets.</exception>
    /// <exception cref="PostgresException">
    /// PostgreSQL refused the statement or the login (its SQLSTATE says why).
    /// </exception>
    public async Task<PostgresResult> QueryRawAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryRawAsync(sql, parameters, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs semicolon-separated statements without parameters (schema set-up), in one implicit transaction.</summary>
    /// <param name="sql">The statements; no values are bound, so never build it from user input.</param>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">The database cannot be reached, or this host has no TCP sockets.</exception>
    /// <exception cref="PostgresException">
    /// PostgreSQL refused the statement or the login (its SQLSTATE says why).
    /// </exception>
    public async Task RunScriptAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.RunScriptAsync(sql, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a session for several statements, such as a transaction (<c>begin</c> … <c>commit</c>). It belongs to this
    /// request: dispose it (<c>await using</c>) before the request ends.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the result.</param>
    /// <exception cref="WorkerException">
    /// The connection string is a MySQL one, the database cannot be reached, or this host has no TCP sockets.
    /// </exception>
    /// <exception cref="PostgresException">
    /// PostgreSQL refused the login (28P01: wrong password; 3D000: no such database).
    /// </exception>
    public async Task<PostgresConnection> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (ConnectionString.StartsWith("mysql", StringComparison.OrdinalIgnoreCase))
        {
            throw new WorkerException($"Hyperdrive '{Name}' points at MySQL; this client speaks PostgreSQL only.");
        }

        var sockets = _sockets ?? throw new WorkerException("This host offers no TCP sockets for Hyperdrive. Serve the Worker with dotnet pmcp dev (in workerd or --native).");
        TcpSocket socket;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PgLimits.Default.ConnectTimeout);
            try
            {
                socket = await TcpSocket.ConnectAsync(sockets, Host, Port, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WorkerException($"The connection did not open within {PgLimits.Default.ConnectTimeout.TotalSeconds:0} seconds (this client's connect timeout).");
            }
        }
        catch (WorkerException e)
        {
            throw Unreachable(e);
        }

        try
        {
            return await PostgresConnection.OpenAsync(socket, User, Password, Database, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            throw; // the server's own verdict (28P01 wrong password, 3D000 no such database) says enough
        }
        catch (WorkerException e)
        {
            throw Unreachable(e);
        }
    }

    /// <summary>The password is left out, so a binding can be logged.</summary>
    public override string ToString() => $"Hyperdrive '{Name}' ({User}@{Host}:{Port}/{Database})";

    /// <summary>This configuration as bound under <paramref name="name"/> in a request, with its sockets.</summary>
    internal Hyperdrive For(string name, ISocketConnector? sockets) => new(ConnectionString, Host, Port, User, Password, Database, name, sockets);

    private WorkerException Unreachable(WorkerException e) =>
        new($"Hyperdrive '{Name}' cannot reach its database ({e.Message}). Locally, check that the database of its localConnectionString (or CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_{Name}) is running.", e);
}
