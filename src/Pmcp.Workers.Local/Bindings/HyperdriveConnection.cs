using System.Globalization;
using Pmcp.Workers.Bindings;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>Turns a <c>postgres://</c> or <c>mysql://</c> URL into the parts a Hyperdrive binding gives.</summary>
public static class HyperdriveConnection
{
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
