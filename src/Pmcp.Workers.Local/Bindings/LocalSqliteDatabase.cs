using Microsoft.Data.Sqlite;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>
/// One SQLite file behind a local binding: a single connection, used by one operation at a time.
/// D1 itself runs a database's queries one after another, and one connection keeps <c>last_insert_rowid()</c> and
/// transactions meaningful; SQLite's own locking (WAL, busy timeout) covers a second process on the same file.
/// </summary>
internal sealed class LocalSqliteDatabase : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private bool _disposed;

    public LocalSqliteDatabase(string path, string? schema = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // No pooling: disposing the binding closes the file, so a test or a restart can reopen or delete it.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;");
            if (schema is not null)
            {
                Execute(schema);
            }
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw new WorkerException($"Cannot open the local database {Path}: {e.Message} Delete the file to start afresh if it is damaged.", e);
        }
    }

    public string Path { get; }

    /// <summary>Runs <paramref name="work"/> with the connection, alone.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                _connection.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
