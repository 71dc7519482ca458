using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace Pmcp.Workers.Postgres;

/// <summary>
/// One PostgreSQL session over a stream — a <see cref="Sockets.TcpSocket"/> to Hyperdrive, or to a server — speaking
/// the wire protocol (3.0) itself, because Npgsql needs .NET's sockets, which browser-wasm does not have.
/// <list type="bullet">
/// <item>Authentication: trust, cleartext password, md5, SCRAM-SHA-256. No TLS: Hyperdrive's endpoint inside
/// Cloudflare and the local database of <c>wrangler dev</c> are reached without it.</item>
/// <item>Statements use the extended protocol (Parse, Bind, Describe, Execute, Sync in one write): values travel as
/// parameters <c>$1</c>, <c>$2</c>, … and never become SQL text.</item>
/// <item>An error the server reports is a <see cref="PostgresException"/> with its SQLSTATE; the session stays usable.
/// A broken connection (I/O failure, cancellation mid-answer) refuses further use.</item>
/// <item>The server is not trusted: once SCRAM starts it must prove it knows the password before the session opens
/// (no AuthenticationOk without it, no switch to a cleartext or md5 password), and its messages, results, SCRAM
/// iterations and silences are bounded (docs/security.md lists the limits); a limit hit throws a
/// <see cref="WorkerException"/> naming it.</item>
/// </list>
/// One statement at a time. Dispose it (<c>await using</c>) to end the session politely (Terminate) and close the socket.
/// </summary>
public sealed class PostgresConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PgMessageReader _reader;
    private readonly PgMessageWriter _writer = new();
    private readonly Dictionary<string, string> _parameters = new(StringComparer.Ordinal);
    private readonly PgLimits _limits;
    private int _busy;
    private bool _broken;
    private bool _disposed;

    private PostgresConnection(Stream stream, PgLimits limits)
    {
        _stream = stream;
        _limits = limits;
        _reader = new PgMessageReader(stream, limits.MaxMessageBytes);
    }

    /// <summary>What the server reported at startup and since: server_version, TimeZone, DateStyle, …</summary>
    public IReadOnlyDictionary<string, string> ServerParameters => _parameters;

    /// <summary>Starts a session on <paramref name="stream"/> (which the connection then owns) and authenticates.</summary>
    public static Task<PostgresConnection> OpenAsync(Stream stream, string user, string password, string database, CancellationToken cancellationToken = default) =>
        OpenAsync(stream, user, password, database, PgLimits.Default, cancellationToken);

    internal static async Task<PostgresConnection> OpenAsync(Stream stream, string user, string password, string database, PgLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentException.ThrowIfNullOrEmpty(database);
        var connection = new PostgresConnection(stream, limits);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limits.StartupTimeout);
            try
            {
                await connection.StartAsync(user, password, database, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WorkerException($"PostgreSQL did not finish starting the session within {limits.StartupTimeout.TotalSeconds:0} seconds (this client's start-up timeout); check that the server is up and not overloaded.");
            }

            return connection;
        }
        catch
        {
            connection._broken = true;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every row, read into <typeparamref name="T"/> with its columns matched to properties by name.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, IReadOnlyList<object?> parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return (await RunAsync(sql, parameters, 0, cancellationToken).ConfigureAwait(false)).Objects(typeInfo);
    }

    /// <summary>The first row as <typeparamref name="T"/>, or default when there is none (the server sends only one).</summary>
    public async Task<T?> QueryFirstAsync<T>(string sql, IReadOnlyList<object?> parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var rows = await RunAsync(sql, parameters, 1, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? default : rows.Objects(typeInfo)[0];
    }

    /// <summary>Runs a statement for its effect: the rows it inserted, updated or deleted (0 for DDL).</summary>
    public async Task<long> ExecuteAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken = default) =>
        (await RunAsync(sql, parameters, 0, cancellationToken).ConfigureAwait(false)).RowsAffected;

    /// <summary>The rows as JSON values in column order, with the columns' names and types and the command tag.</summary>
    public async Task<PostgresResult> QueryRawAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken = default) =>
        (await RunAsync(sql, parameters, 0, cancellationToken).ConfigureAwait(false)).ToResult();

    /// <summary>
    /// Runs SQL without parameters, one or more statements separated by semicolons (schema set-up, migrations), with the
    /// simple query protocol: they run in one implicit transaction unless the script has its own BEGIN/COMMIT.
    /// </summary>
    public async Task RunScriptAsync(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        Enter();
        try
        {
            _writer.Clear();
            _writer.Query(sql);
            await SendAsync(cancellationToken).ConfigureAwait(false);
            await ReadAnswerAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PostgresException)
        {
            _broken = true;
            throw;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Closes the connection: tells the server it is leaving (when no query is running and the connection is sound),
    /// then closes the socket. Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_broken && Volatile.Read(ref _busy) == 0)
        {
            try
            {
                _writer.Clear();
                _writer.Terminate();
                await _stream.WriteAsync(_writer.Written).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Closing anyway: the server notices the closed socket just the same.
            }
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task StartAsync(string user, string password, string database, CancellationToken cancellationToken)
    {
        _writer.Clear();
        _writer.Startup(user, database);
        await SendAsync(cancellationToken).ConfigureAwait(false);
        ScramSha256? scram = null;
        for (var first = true; ; first = false)
        {
            var message = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (first && message.Type is not ('R' or 'E' or 'v'))
            {
                throw new WorkerException("The server did not answer as PostgreSQL does (is the port right, and the server PostgreSQL?).");
            }

            switch (message.Type)
            {
                case 'R':
                    scram = await AuthenticateAsync(message.Body, user, password, scram, cancellationToken).ConfigureAwait(false);
                    break;
                case 'S':
                    ParameterStatus(message.Body);
                    break;
                case 'K' or 'N' or 'v':
                    break; // the key for cancel requests (unused), notices, a protocol minor-version negotiation
                case 'E':
                    throw PgBackend.Error(message.Body);
                case 'Z':
                    return;
                default:
                    throw Unexpected(message.Type, "while connecting");
            }
        }
    }

    private async Task<ScramSha256?> AuthenticateAsync(byte[] body, string user, string password, ScramSha256? scram, CancellationToken cancellationToken)
    {
        var code = BinaryPrimitives.ReadInt32BigEndian(body);
        _writer.Clear();
        switch (code)
        {
            case 0: // AuthenticationOk
                if (scram is { ServerVerified: false })
                {
                    throw new WorkerException("PostgreSQL accepted the login without finishing SCRAM-SHA-256, so it never proved it knows the password; the server is not who it claims to be, or something between is tampering with the connection.");
                }

                return scram;
            case 3 or 5 when scram is not null:
                throw new WorkerException($"PostgreSQL asked for a {(code == 3 ? "cleartext" : "md5")} password in the middle of SCRAM-SHA-256; this client refuses to downgrade (the password is not sent). Something between may be tampering with the connection.");
            case 3:
                _writer.Password(password);
                break;
            case 5:
                _writer.Password(Md5Password.Compute(user, password, body.AsSpan(4, 4)));
                break;
            case 10 when scram is not null:
                throw new WorkerException("PostgreSQL started SCRAM-SHA-256 a second time; the server does not follow the protocol.");
            case 10:
                var mechanisms = PgBackend.SaslMechanisms(body.AsSpan(4));
                if (!mechanisms.Contains(ScramSha256.Mechanism))
                {
                    throw new WorkerException($"PostgreSQL asks for SASL {string.Join(", ", mechanisms)}; this client speaks SCRAM-SHA-256 without channel binding (there is no TLS).");
                }

                scram = new ScramSha256(password);
                _writer.SaslInitialResponse(ScramSha256.Mechanism, scram.ClientFirstMessage());
                break;
            case 11:
                _writer.SaslResponse(await (scram ?? throw Unexpected('R', "(a SASL challenge before SASL began)")).ClientFinalMessageAsync(Encoding.UTF8.GetString(body.AsSpan(4)), _limits.MaxScramIterations).ConfigureAwait(false));
                break;
            case 12:
                (scram ?? throw Unexpected('R', "(a SASL outcome before SASL began)")).VerifyServerFinal(Encoding.UTF8.GetString(body.AsSpan(4)));
                return scram;
            default:
                var name = code switch { 2 => "Kerberos V5", 6 => "SCM credentials", 7 or 8 => "GSSAPI", 9 => "SSPI", _ => "unknown" };
                throw new WorkerException($"PostgreSQL asks for {name} authentication (code {code}); this client supports password, md5 and SCRAM-SHA-256.");
        }

        await SendAsync(cancellationToken).ConfigureAwait(false);
        return scram;
    }

    private async Task<PgRows> RunAsync(string sql, IReadOnlyList<object?> parameters, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        // Converted before anything is sent: a value that cannot be bound leaves the session as it was.
        var texts = new string?[parameters.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = PgParameters.ToText(parameters[i]);
        }

        Enter();
        try
        {
            _writer.Clear();
            _writer.Parse(sql);
            _writer.Bind(texts);
            _writer.DescribePortal();
            _writer.Execute(maxRows);
            _writer.Sync();
            await SendAsync(cancellationToken).ConfigureAwait(false);
            return await ReadAnswerAsync(maxRows, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not PostgresException)
        {
            _broken = true;
            throw;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Reads up to ReadyForQuery. An ErrorResponse is kept and thrown there, once the session is ready again. For a
    /// script (<paramref name="maxRows"/> null) rows are not kept.
    /// </summary>
    private async Task<PgRows> ReadAnswerAsync(int? maxRows, CancellationToken cancellationToken)
    {
        PostgresColumn[] columns = [];
        var rows = new List<byte[]>();
        long rowBytes = 0;
        var tag = "";
        PostgresException? error = null;
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            PgMessage message;
            silence.CancelAfter(_limits.ReadTimeout); // re-armed for each message
            try
            {
                message = await _reader.ReadAsync(silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new WorkerException($"PostgreSQL sent nothing for {_limits.ReadTimeout.TotalSeconds:0} seconds in the middle of an answer (this client's read timeout); this connection is no longer usable. Check the server, or make the statement faster.");
            }

            switch (message.Type)
            {
                case '1' or '2' or 'n' or 's' or 'I' or 'N' or 'A':
                    break; // ParseComplete, BindComplete, NoData, PortalSuspended, EmptyQuery, notices, notifications
                case 'S':
                    ParameterStatus(message.Body);
                    break;
                case 'T':
                    columns = PgBackend.RowDescription(message.Body);
                    break;
                case 'D':
                    if (maxRows is not null)
                    {
                        rowBytes += message.Body.Length;
                        if (rowBytes > _limits.MaxResultBytes)
                        {
                            throw new WorkerException(
                                $"The statement's rows add up to more than this client's limit of {PgLimits.Size(_limits.MaxResultBytes)} per result; " +
                                "select fewer rows (LIMIT, a WHERE clause, pages with a cursor column) or fewer columns. This connection is no longer usable.");
                        }

                        rows.Add(message.Body);
                    }

                    break;
                case 'C':
                    var offset = 0;
                    tag = PgBackend.CString(message.Body, ref offset);
                    break;
                case 'E':
                    error ??= PgBackend.Error(message.Body);
                    break;
                case 'Z':
                    return error is null ? new PgRows(columns, rows, tag) : throw error;
                default:
                    throw Unexpected(message.Type, "in the answer to a statement");
            }
        }
    }

    private void ParameterStatus(byte[] body)
    {
        var offset = 0;
        var name = PgBackend.CString(body, ref offset);
        _parameters[name] = PgBackend.CString(body, ref offset);
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(_writer.Written, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken)
        {
            throw new WorkerException("This PostgreSQL connection failed earlier and its state is unknown; open a new one.");
        }

        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("A PostgresConnection runs one statement at a time: await each before starting the next, or open another connection.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private static WorkerException Unexpected(char type, string where) =>
        new($"PostgreSQL sent an unexpected '{type}' message {where}.");
}
