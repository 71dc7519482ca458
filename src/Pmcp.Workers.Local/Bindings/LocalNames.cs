using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pmcp.Workers.Local.Bindings;

/// <summary>File names for bindings and objects: user-chosen names never become raw paths.</summary>
internal static partial class LocalNames
{
    /// <summary>A binding, database or bucket name as a file name: kept when it is plainly safe, hashed otherwise.</summary>
    public static string FileName(string name) =>
        SafeName().IsMatch(name) ? name : "h-" + Hash(name)[..32];

    /// <summary>The lowercase hex SHA-256 of the UTF-8 text.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\\z")]
    private static partial Regex SafeName();
}
