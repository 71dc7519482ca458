using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Pmcp.Workers.Crypto;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The built-in authorization server's secrets: random values (32 bytes from the platform's CSPRNG, base64url), and
/// the SHA-256 by which they are stored, so that the database never holds a usable token, code or CSRF value
/// (as workers-oauth-provider stores them). SHA-256 goes through <see cref="SubtleCrypto"/>, which is WebCrypto in workerd.
/// </summary>
internal static class OpaqueTokens
{
    /// <summary>A new random value with <paramref name="prefix"/> (which says what it is, for secret scanners and humans).</summary>
    public static string New(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The hex SHA-256 of <paramref name="value"/>'s UTF-8: what the database keeps.</summary>
    public static async Task<string> HashAsync(string value) =>
        Convert.ToHexStringLower(await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(value)).ConfigureAwait(false));

    /// <summary>The PKCE S256 challenge of a verifier: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2).</summary>
    public static async Task<string> S256Async(string verifier) =>
        Base64Url.EncodeToString(await SubtleCrypto.DigestAsync(HashAlgorithmName.SHA256, Encoding.ASCII.GetBytes(verifier)).ConfigureAwait(false));

    /// <summary>Whether two strings are equal, in time that does not depend on where they differ.</summary>
    public static bool SameText(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Whether <paramref name="verifier"/> is a PKCE code verifier: 43 to 128 unreserved characters (RFC 7636 §4.1).</summary>
    public static bool IsVerifier(string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
