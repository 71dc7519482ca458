using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Pmcp.FakeCloudflare.Endpoints;

/// <summary>
/// Cloudflare's OAuth server (dash.cloudflare.com/oauth2) as <c>wrangler login</c> uses it: the authorization-code grant
/// with PKCE (S256). The authorize page consents at once, as a user pressing Allow, and redirects to wrangler's
/// callback with a code; the token endpoint checks the code, the redirect URI and the verifier, and answers with the
/// account's token as the access token, so the API accepts what the login got.
/// </summary>
internal static class OAuthEndpoints
{
    /// <summary>A code the authorize page issued and the token endpoint has not yet redeemed.</summary>
    private sealed record Grant(string ClientId, string RedirectUri, string CodeChallenge, string Scope);

    public static void Map(IEndpointRouteBuilder app, FakeAccount account)
    {
        var grants = new ConcurrentDictionary<string, Grant>(StringComparer.Ordinal);
        var refreshTokens = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        app.MapGet("/oauth2/auth", (HttpRequest request) =>
        {
            var query = request.Query;
            string Get(string name) => query[name].ToString();
            if (Get("response_type") != "code" || Get("client_id").Length == 0 || Get("state").Length == 0 ||
                Get("code_challenge").Length == 0 || Get("code_challenge_method") != "S256" ||
                !Uri.TryCreate(Get("redirect_uri"), UriKind.Absolute, out var redirect))
            {
                return Error("invalid_request", "response_type=code, client_id, state, redirect_uri and an S256 code_challenge are required");
            }

            var code = RandomToken();
            grants[code] = new Grant(Get("client_id"), Get("redirect_uri"), Get("code_challenge"), Get("scope"));
            var separator = redirect.Query.Length > 0 ? "&" : "?";
            return Results.Redirect(
                $"{redirect}{separator}code={Uri.EscapeDataString(code)}&scope={Uri.EscapeDataString(Get("scope"))}&state={Uri.EscapeDataString(Get("state"))}");
        });

        app.MapPost("/oauth2/token", async (HttpRequest request) =>
        {
            if (!request.HasFormContentType)
            {
                return Error("invalid_request", "the body must be application/x-www-form-urlencoded");
            }

            var form = await request.ReadFormAsync();
            string Get(string name) => form[name].ToString();
            string scope;
            switch (Get("grant_type"))
            {
                case "authorization_code":
                    if (!grants.TryRemove(Get("code"), out var grant))
                    {
                        return Error("invalid_grant", "the authorization code is unknown or was used already");
                    }

                    if (grant.ClientId != Get("client_id") || grant.RedirectUri != Get("redirect_uri"))
                    {
                        return Error("invalid_grant", "client_id or redirect_uri differ from the authorization request");
                    }

                    if (Challenge(Get("code_verifier")) != grant.CodeChallenge)
                    {
                        return Error("invalid_grant", "the code_verifier does not match the code_challenge");
                    }

                    scope = grant.Scope;
                    break;
                case "refresh_token":
                    if (!refreshTokens.TryRemove(Get("refresh_token"), out var refreshedScope))
                    {
                        return Error("invalid_grant", "the refresh token is unknown or was used already");
                    }

                    scope = refreshedScope;
                    break;
                default:
                    return Error("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
            }

            var refreshToken = RandomToken();
            refreshTokens[refreshToken] = scope;
            return Results.Json(new JsonObject
            {
                ["access_token"] = account.ApiToken,
                ["token_type"] = "bearer",
                ["expires_in"] = 3599,
                ["refresh_token"] = refreshToken,
                ["scope"] = scope,
            });
        });
    }

    /// <summary>PKCE's S256: the verifier's SHA-256, base64url without padding (RFC 7636).</summary>
    private static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string RandomToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>An OAuth 2.0 error response (RFC 6749 §5.2).</summary>
    private static IResult Error(string error, string description) =>
        Results.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, statusCode: StatusCodes.Status400BadRequest);
}
