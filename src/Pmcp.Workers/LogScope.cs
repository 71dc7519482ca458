namespace Pmcp.Workers;

/// <summary>
/// The request id that <see cref="Log"/> lines written on a request's flow carry when request lines are on
/// (<see cref="McpEndpoint"/> sets it): the same id as the request's structured lines, and <c>cf-ray</c> beside it
/// when Cloudflare sent one, so that searching the logs for either finds the whole request.
/// </summary>
internal static class LogScope
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The prefix of this flow's lines (<c>[id] </c> or <c>[id cf-ray:ray] </c>); null outside a logged request.</summary>
    public static string? Prefix => Current.Value;

    /// <summary>Starts the scope of one request; call it on that request's own async flow, which alone then sees it.</summary>
    public static void Enter(string requestId, string? cfRay) =>
        Current.Value = string.IsNullOrEmpty(cfRay) ? $"[{requestId}] " : $"[{requestId} cf-ray:{cfRay}] ";
}
