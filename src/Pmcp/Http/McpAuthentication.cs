using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// What an <see cref="IMcpAuthenticator"/> decided about a request: a <see cref="Caller"/>, or a refusal (status,
/// <c>WWW-Authenticate</c> challenge and a short message for the body, which must never repeat the credential).
/// </summary>
public sealed class McpAuthentication
{
    private McpAuthentication(McpCaller? caller, int statusCode, string? challenge, string? message)
    {
        Caller = caller;
        StatusCode = statusCode;
        Challenge = challenge;
        Message = message;
    }

    /// <summary>The authenticated caller; null for a refusal.</summary>
    public McpCaller? Caller { get; }

    /// <summary>The refusal's HTTP status (401, 400, 403, 503); 200 for a caller.</summary>
    public int StatusCode { get; }

    /// <summary>The refusal's <c>WWW-Authenticate</c> value; null for a caller or a refusal without one.</summary>
    public string? Challenge { get; }

    /// <summary>The refusal's plain-text body; null for a caller.</summary>
    public string? Message { get; }

    /// <summary>The request is admitted, on behalf of <paramref name="caller"/>.</summary>
    public static McpAuthentication Success(McpCaller caller) =>
        new(caller ?? throw new ArgumentNullException(nameof(caller)), 200, null, null);

    /// <summary>The request is refused before its body is read.</summary>
    /// <param name="statusCode">401 (no or a bad credential), 400 (a malformed request), 403 (not allowed) or 503 (cannot decide now).</param>
    /// <param name="challenge">The <c>WWW-Authenticate</c> value, or null for none.</param>
    /// <param name="message">The plain-text body; it must not repeat the credential.</param>
    public static McpAuthentication Refuse(int statusCode, string? challenge, string message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentNullException.ThrowIfNull(message);
        return new(null, statusCode, challenge, message);
    }
}
