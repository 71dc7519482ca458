using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Pmcp.Workers.Auth;

/// <summary>
/// A JWT access token (RFC 7519, RFC 9068) taken apart, and its claims checked. The refusals are fixed descriptions:
/// none repeats any part of the token, so they can go into a challenge or a log.
/// </summary>
internal sealed class JwtAccessToken
{
    /// <summary>Longer tokens are refused unread: an access token is a few hundred bytes to a few KiB.</summary>
    public const int MaxLength = 16 * 1024;

    private JwtAccessToken(string algorithm, string? keyId, byte[] signingInput, byte[] signature, JsonElement claims)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        SigningInput = signingInput;
        Signature = signature;
        Claims = claims;
    }

    /// <summary>The header's <c>alg</c>: one of <see cref="JwtKeys.Algorithms"/>.</summary>
    public string Algorithm { get; }

    /// <summary>The header's <c>kid</c>, when it names one.</summary>
    public string? KeyId { get; }

    /// <summary>The signed bytes: the header and the payload as sent, with their dot.</summary>
    public byte[] SigningInput { get; }

    /// <summary>The signature's bytes (ECDSA as r‖s).</summary>
    public byte[] Signature { get; }

    /// <summary>The payload, a JSON object (its own copy).</summary>
    public JsonElement Claims { get; }

    /// <summary>Takes a compact JWS apart; null with <paramref name="refusal"/> when it is not one this server accepts.</summary>
    public static JwtAccessToken? Parse(string token, out string? refusal)
    {
        refusal = null;
        if (token.Length > MaxLength)
        {
            refusal = "The access token is too long";
            return null;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            refusal = "The access token is not a JWT";
            return null;
        }

        if (ObjectOf(parts[0]) is not { } header)
        {
            refusal = "The access token's header is not a JSON object";
            return null;
        }

        var algorithm = StringOf(header, "alg");
        if (algorithm is null || !JwtKeys.Algorithms.Contains(algorithm))
        {
            // "none", HS256 (an HMAC keyed with the public key) and everything else: only asymmetric signatures.
            refusal = "The access token's alg is not one this server accepts (RS256, ES256, EdDSA)";
            return null;
        }

        if (header.TryGetProperty("crit", out _))
        {
            refusal = "The access token has critical header parameters this server does not understand";
            return null;
        }

        if (StringOf(header, "typ") is { } typ && !IsAccessTokenType(typ))
        {
            refusal = "The access token's typ is not that of an access token";
            return null;
        }

        if (ObjectOf(parts[1]) is not { } claims)
        {
            refusal = "The access token's payload is not a JSON object";
            return null;
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            signature = [];
        }

        if (signature.Length == 0)
        {
            refusal = "The access token is not signed";
            return null;
        }

        var signingInput = Encoding.ASCII.GetBytes(token[..(parts[0].Length + 1 + parts[1].Length)]);
        return new JwtAccessToken(algorithm, StringOf(header, "kid"), signingInput, signature, claims);
    }

    /// <summary>
    /// Checks <c>iss</c>, <c>aud</c>, <c>exp</c> and <c>nbf</c> (with <see cref="OAuthOptions.ClockSkew"/>); null when they hold, else
    /// why not.
    /// </summary>
    public string? CheckClaims(OAuthOptions options, DateTimeOffset now)
    {
        if (StringOf(Claims, "iss") != options.Issuer)
        {
            return "The access token was issued by another issuer";
        }

        if (!HasAudience(Claims, options.Resource))
        {
            return "The access token is for another audience (resource)";
        }

        var skew = (long)options.ClockSkew.TotalSeconds;
        var seconds = now.ToUnixTimeSeconds();
        if (NumberOf(Claims, "exp") is not { } exp)
        {
            return "The access token has no expiry (exp)";
        }

        if (seconds >= exp + skew)
        {
            return "The access token has expired";
        }

        if (Claims.TryGetProperty("nbf", out _) && NumberOf(Claims, "nbf") is not { })
        {
            return "The access token's nbf is not a number";
        }

        if (NumberOf(Claims, "nbf") is { } nbf && seconds + skew < nbf)
        {
            return "The access token is not valid yet (nbf)";
        }

        return null;
    }

    /// <summary>The scopes granted: <c>scope</c> (space-separated, RFC 9068), or <c>scp</c> (an array or a string, as some issuers write it).</summary>
    public IEnumerable<string> Scopes()
    {
        if (StringOf(Claims, "scope") is { } scope)
        {
            return scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }

        if (Claims.TryGetProperty("scp", out var scp))
        {
            if (scp.ValueKind == JsonValueKind.String)
            {
                return scp.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }

            if (scp.ValueKind == JsonValueKind.Array)
            {
                return [.. scp.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!)];
            }
        }

        return [];
    }

    /// <summary>The subject (<c>sub</c>), else the client (<c>client_id</c>) for a token a client got for itself; empty when neither.</summary>
    public string Subject => StringOf(Claims, "sub") ?? StringOf(Claims, "client_id") ?? "";

    private static bool IsAccessTokenType(string typ) =>
        typ.Equals("JWT", StringComparison.OrdinalIgnoreCase)
        || typ.Equals("at+jwt", StringComparison.OrdinalIgnoreCase)
        || typ.Equals("application/at+jwt", StringComparison.OrdinalIgnoreCase);

    private static bool HasAudience(JsonElement claims, string resource)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return false;
        }

        if (aud.ValueKind == JsonValueKind.String)
        {
            return aud.ValueEquals(resource);
        }

        return aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.ValueEquals(resource));
    }

    private static JsonElement? ObjectOf(string part)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(part);
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? StringOf(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A NumericDate (seconds since 1970, possibly with a fraction); null when absent or not a sane number.</summary>
    private static long? NumberOf(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out var whole))
        {
            return whole;
        }

        return value.TryGetDouble(out var real) && double.IsFinite(real) && Math.Abs(real) < 1e15 ? (long)Math.Floor(real) : null;
    }
}
