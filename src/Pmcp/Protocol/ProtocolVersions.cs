namespace Pmcp.Protocol;

/// <summary>The MCP revisions this engine speaks, oldest first.</summary>
public static class ProtocolVersions
{
    /// <summary>The first published revision: HTTP+SSE transport, <c>initialize</c> sessions.</summary>
    public const string V20241105 = "2024-11-05";

    /// <summary>Streamable HTTP, JSON-RPC batches, tool annotations, audio content and completions.</summary>
    public const string V20250326 = "2025-03-26";

    /// <summary>Structured tool output, resource links, elicitation and titles; no JSON-RPC batches.</summary>
    public const string V20250618 = "2025-06-18";

    /// <summary>
    /// The last revision with <c>initialize</c>; invalid tool arguments become <c>isError</c> results.
    /// </summary>
    public const string V20251125 = "2025-11-25";

    /// <summary>The stateless revision: no initialize, <c>server/discover</c>, per-request <c>_meta</c>.</summary>
    public const string V20260728 = "2026-07-28";

    /// <summary>Every supported revision, oldest first.</summary>
    public static IReadOnlyList<string> All { get; } = [V20241105, V20250326, V20250618, V20251125, V20260728];

    /// <summary>The newest revision that still uses initialize; what initialize offers when the client's is unknown.</summary>
    public const string LatestWithInitialize = V20251125;

    /// <summary>The newest revision this engine speaks.</summary>
    public const string Latest = V20260728;

    /// <summary>Streamable HTTP: what a server assumes when a request carries no MCP-Protocol-Version header.</summary>
    public const string DefaultForHttp = V20250326;

    /// <summary>
    /// Whether <paramref name="version"/> is one of <see cref="All"/> (compared ordinally); false for null.
    /// </summary>
    /// <param name="version">A revision date such as <c>"2025-06-18"</c>, or null.</param>
    public static bool IsSupported(string? version)
    {
        if (version is null)
        {
            return false;
        }

        // A loop, not Enumerable.Contains with a comparer: that one allocates an enumerator on every request.
        var all = All;
        for (var i = 0; i < all.Count; i++)
        {
            if (string.Equals(all[i], version, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Revisions are dates, so ordinal order is chronological order.</summary>
    /// <param name="version">The revision in use.</param>
    /// <param name="minimum">The first revision with the feature in question.</param>
    /// <returns>Whether <paramref name="version"/> is <paramref name="minimum"/> or later.</returns>
    public static bool IsAtLeast(string version, string minimum) => string.CompareOrdinal(version, minimum) >= 0;

    /// <summary>
    /// Whether <paramref name="version"/> is the stateless revision (<see cref="V20260728"/>) or later: no
    /// <c>initialize</c>, and each request carries its version and capabilities in <c>_meta</c>.
    /// </summary>
    /// <param name="version">The revision in use.</param>
    public static bool IsStateless(string version) => IsAtLeast(version, V20260728);
}
