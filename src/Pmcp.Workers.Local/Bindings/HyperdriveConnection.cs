using System.Globalization;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>Turns a <c>postgres://</c> or <c>mysql://</c> URL into the parts a Hyperdrive binding gives.</summary>
public static class HyperdriveConnection
{
    /// <summary>
    /// Splits <paramref name="connectionString"/> into host, port (5432 for PostgreSQL, 3306 for MySQL by default),
    /// user, password and database, with percent-escapes decoded.
    /// </summary>
    /// <param name="connectionString">A <c>postgres://</c>, <c>postgresql://</c> or <c>mysql://</c> URL.</param>
    /// <param name="binding">The binding's name, for error messages.</param>
    /// <returns>The binding's configuration, as Workers' <c>env.HYPERDRIVE</c> gives it.</returns>
    /// <exception cref="WorkerException">The string is not such a URL, or lacks a host or a database.</exception>
    public static Hyperdrive Parse(string connectionString, string binding)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql" or "mysql"))
        {
            throw new WorkerException(
                $"Hyperdrive '{binding}': the local connection string is not a postgres:// or mysql:// URL. Write it as postgres://user:password@host:5432/database.");
        }

        var defaultPort = uri.Scheme == "mysql" ? 3306 : 5432;
        var userInfo = uri.UserInfo.Split(':', 2);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (uri.Host.Length == 0 || database.Length == 0)
        {
            throw new WorkerException($"Hyperdrive '{binding}': the local connection string needs a host and a database, as in {uri.Scheme}://user:password@host:{defaultPort.ToString(CultureInfo.InvariantCulture)}/database.");
        }

        return new Hyperdrive(
            connectionString,
            uri.Host,
            uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port,
            Uri.UnescapeDataString(userInfo[0]),
            userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "",
            database);
    }
}
