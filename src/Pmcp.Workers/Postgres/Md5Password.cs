using System.Text;

namespace Pmcp.Workers.Postgres;

/// <summary>PostgreSQL's md5 authentication: <c>"md5" + md5(md5(password + user) + salt)</c>, in lowercase hex.</summary>
internal static class Md5Password
{
    public static string Compute(string user, string password, ReadOnlySpan<byte> salt)
    {
        var inner = Convert.ToHexStringLower(Md5.Hash(Encoding.UTF8.GetBytes(password + user)));
        var outer = new byte[inner.Length + salt.Length];
        Encoding.ASCII.GetBytes(inner, outer);
        salt.CopyTo(outer.AsSpan(inner.Length));
        return "md5" + Convert.ToHexStringLower(Md5.Hash(outer));
    }
}
