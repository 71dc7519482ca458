namespace Pmcp.FakeCloudflare;

/// <summary>One call the fake received, in arrival order.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path below the API base (<c>/accounts/…</c>, <c>/zones</c>), or the full path for anything else.</param>
/// <param name="Query">The query string with its leading <c>?</c>, or empty.</param>
/// <param name="StatusCode">The status the fake answered with.</param>
/// <param name="Handled">False when no endpoint of the fake matched: wrangler called something the fake does not model.</param>
public sealed record RecordedRequest(string Method, string Path, string Query, int StatusCode, bool Handled)
{
    public override string ToString() => $"{Method} {Path}{Query} -> {StatusCode}{(Handled ? "" : " (unhandled)")}";
}
