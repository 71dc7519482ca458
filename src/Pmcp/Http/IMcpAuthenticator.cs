namespace Pmcp.Http;

/// <summary>
/// Decides who sends a request to the MCP endpoint, before its body is read (<see cref="StreamableHttpOptions.Authenticator"/>).
/// The engine knows no token format: the Workers layer's OAuth resource server (JWTs checked against the issuer's
/// keys) is one implementation; any host can bring its own.
/// </summary>
public interface IMcpAuthenticator
{
    /// <summary>
    /// Authenticates one request from its headers (and its query, <see cref="McpHttpRequest.Query"/>), never its body.
    /// Called concurrently for many requests.
    /// </summary>
    /// <param name="request">The request, its path, method, Host and Origin already checked.</param>
    /// <returns>The caller, or the refusal to answer with (401 with its challenge, usually).</returns>
    ValueTask<McpAuthentication> AuthenticateAsync(McpHttpRequest request);

    /// <summary>
    /// The <c>WWW-Authenticate</c> value of a 403 for a caller who lacks scopes an operation needs, such as
    /// <c>Bearer error="insufficient_scope", scope="a b", resource_metadata="…"</c>.
    /// </summary>
    /// <param name="scopes">The scopes to ask for: those the caller holds and those the operation needs.</param>
    string InsufficientScopeChallenge(IReadOnlyCollection<string> scopes);
}
