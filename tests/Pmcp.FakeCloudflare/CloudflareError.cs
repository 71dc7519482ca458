namespace Pmcp.FakeCloudflare;

/// <summary>One entry of an envelope's <c>errors</c> array: Cloudflare's numeric code and its message.</summary>
/// <remarks>
/// The well-known errors are the ones wrangler 4.164.0 branches on (its <c>code</c> checks in wrangler-dist/cli.js),
/// with the messages the real API sends, so wrangler takes the same path it takes against Cloudflare.
/// </remarks>
public sealed record CloudflareError(int Code, string Message)
{
    /// <summary>A token that is not valid for the account or zone (HTTP 403). wrangler then runs whoami to explain.</summary>
    public static CloudflareError AuthenticationError { get; } = new(10000, "Authentication error");

    /// <summary>No credentials at all (HTTP 400); wrangler treats it as an authentication error too.</summary>
    public static CloudflareError MissingAuthHeaders { get; } = new(9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers");

    /// <summary><c>/user/tokens/verify</c> with a bad token (HTTP 401).</summary>
    public static CloudflareError InvalidApiToken { get; } = new(1000, "Invalid API Token");

    /// <summary>A user-level endpoint (<c>/user</c>, <c>/accounts</c>, <c>/memberships</c>) with a bad token (HTTP 400).</summary>
    public static CloudflareError InvalidAccessToken { get; } = new(9109, "Invalid access token");

    /// <summary>A script-scoped call on a Worker that does not exist (HTTP 404); deploy takes it as "first deploy".</summary>
    public static CloudflareError ScriptNotFound { get; } = new(10007, "This Worker does not exist on your account.");

    /// <summary>The services API's "no such Worker" (HTTP 404); wrangler accepts it wherever it accepts 10007.</summary>
    public static CloudflareError ServiceNotFound { get; } = new(10090, "workers.api.error.service_not_found");

    /// <summary>A path the API does not serve. The fake answers it with HTTP 404 and records it as unhandled.</summary>
    public static CloudflareError NoRoute { get; } = new(7000, "No route for that URI");
}
