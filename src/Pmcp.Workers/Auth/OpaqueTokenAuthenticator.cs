using System.Text.Json;
using Pmcp.Http;
using Pmcp.Server;

namespace Pmcp.Workers.Auth;

/// <summary>
/// The MCP endpoint's side of the <see cref="BuiltInAuthorizationServer"/>: an access token is looked up by its SHA-256
/// in D1 and must be unexpired, unrevoked and issued for this server's resource; the caller is its grant's subject,
/// scopes and claims (with <c>client_id</c>). Refusals are those of <see cref="OAuthResourceServer"/>: 401 with the
/// challenge naming the protected resource metadata, 400 for a token in the URL, 403 <c>insufficient_scope</c>.
/// </summary>
public sealed class OpaqueTokenAuthenticator : IMcpAuthenticator
{
    private readonly BuiltInAuthorizationServer _server;
    private readonly string _metadataUrl;

    internal OpaqueTokenAuthenticator(BuiltInAuthorizationServer server, string metadataUrl)
    {
        _server = server;
        _metadataUrl = metadataUrl;
    }

    private IReadOnlyList<string> Scopes => _server.Options.Scopes;

    /// <inheritdoc/>
    public async ValueTask<McpAuthentication> AuthenticateAsync(McpHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = FormFields.Parse(request.Query);
        if (query.Get("access_token") is not null || query.Duplicate == "access_token")
        {
            return McpAuthentication.Refuse(400, BearerChallenge.Of(_metadataUrl, Scopes, "invalid_request", "Access tokens are not accepted in the query string: send Authorization: Bearer"),
                "Bad Request: send the access token in the Authorization header, never in the URL");
        }

        var authorization = request.Header("Authorization");
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.AsSpan(7).Trim().IsEmpty)
        {
            return McpAuthentication.Refuse(401, BearerChallenge.Of(_metadataUrl, Scopes),
                "Unauthorized: this server takes an OAuth access token (Authorization: Bearer <token>); its authorization server is named at " + _metadataUrl);
        }

        var token = authorization[7..].Trim();
        if (token.Length > 512 || request.Services is not EnvServices services)
        {
            return Invalid();
        }

        TokenGrant? grant;
        try
        {
            grant = await _server.FindAccessTokenAsync(services.Env, token).ConfigureAwait(false);
        }
        catch (WorkerException e)
        {
            Log.Error("pmcp: access tokens could not be looked up: " + e.GetType().Name);
            return McpAuthentication.Refuse(503, null, "Service Unavailable: access tokens could not be checked; retry shortly");
        }

        if (grant is null)
        {
            return Invalid();
        }

        var scopes = grant.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var caller = new McpCaller(grant.Subject, scopes, Claims(grant));
        var lacking = Scopes.Where(s => !caller.HasScope(s)).ToArray();
        if (lacking.Length > 0)
        {
            return McpAuthentication.Refuse(403, InsufficientScopeChallenge([.. caller.Scopes.Order(StringComparer.Ordinal).Union(Scopes, StringComparer.Ordinal)]),
                "Forbidden: the access token lacks the scope(s) " + string.Join(' ', lacking));
        }

        return McpAuthentication.Success(caller);
    }

    /// <inheritdoc/>
    public string InsufficientScopeChallenge(IReadOnlyCollection<string> scopes) =>
        BearerChallenge.Of(_metadataUrl, scopes, "insufficient_scope", "The access token lacks a scope this request needs");

    private McpAuthentication Invalid() =>
        McpAuthentication.Refuse(401, BearerChallenge.Of(_metadataUrl, Scopes, "invalid_token", "The access token is unknown, expired or revoked"),
            "Unauthorized: the access token is unknown, expired or revoked");

    /// <summary>The signed-in user's claims with the client's id and the scopes, as a JWT access token would carry them.</summary>
    private static JsonElement Claims(TokenGrant grant)
    {
        using var stored = JsonDocument.Parse(grant.Claims);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var property in stored.RootElement.EnumerateObject())
            {
                property.WriteTo(w);
            }

            w.WriteString("client_id", grant.ClientId);
            w.WriteString("scope", grant.Scopes);
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
