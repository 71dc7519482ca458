using System.Text.Json;

namespace Pmcp.Server;

/// <summary>
/// Who is calling, as the endpoint's authenticator (<see cref="Http.IMcpAuthenticator"/>) established it before the
/// request's body was read: the subject, the scopes granted, and the token's claims. Handlers see it as
/// <see cref="McpRequestContext.Caller"/>. It never holds the credential itself: a token is not passed on.
/// </summary>
public sealed class McpCaller
{
    private readonly HashSet<string> _scopes;

    /// <summary>A caller with a subject, its granted scopes and, optionally, its claims.</summary>
    /// <param name="subject">Who the caller is (a JWT's <c>sub</c>); empty when the credential names no one.</param>
    /// <param name="scopes">The scopes granted (OAuth <c>scope</c>), compared ordinally.</param>
    /// <param name="claims">The credential's claims as a JSON object; <c>default</c> for none.</param>
    public McpCaller(string subject, IEnumerable<string> scopes, JsonElement claims = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(scopes);
        Subject = subject;
        _scopes = new HashSet<string>(scopes, StringComparer.Ordinal);
        Claims = claims.ValueKind == JsonValueKind.Undefined ? default : claims.Clone();
    }

    /// <summary>Who the caller is: a JWT's <c>sub</c> claim.</summary>
    public string Subject { get; }

    /// <summary>The scopes the caller's credential grants.</summary>
    public IReadOnlySet<string> Scopes => _scopes;

    /// <summary>The credential's claims (a JWT's payload) as a JSON object; <c>default</c> (undefined) when there are none.</summary>
    public JsonElement Claims { get; }

    /// <summary>Whether the credential grants <paramref name="scope"/>.</summary>
    public bool HasScope(string scope) => _scopes.Contains(scope);

    /// <summary>A claim whose value is a string, such as <c>email</c> or <c>client_id</c>; null when absent or not a string.</summary>
    public string? Claim(string name) =>
        Claims.ValueKind == JsonValueKind.Object && Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The subject and scopes only: claims may hold personal data, and this often ends up in a log.</summary>
    public override string ToString() => $"McpCaller({Subject}, scopes: {string.Join(' ', _scopes.Order(StringComparer.Ordinal))})";
}
