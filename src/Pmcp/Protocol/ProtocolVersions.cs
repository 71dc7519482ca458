namespace Pmcp.Protocol;

/// <summary>The MCP revisions this engine speaks, oldest first.</summary>
public static class ProtocolVersions
{
    public const string V20241105 = "2024-11-05";
    public const string V20250326 = "2025-03-26";
    public const string V20250618 = "2025-06-18";
    public const string V20251125 = "2025-11-25";

    /// <summary>The stateless revision: no initialize, <c>server/discover</c>, per-request <c>_meta</c>.</summary>
    public const string V20260728 = "2026-07-28";

    public static IReadOnlyList<string> All { get; } = [V20241105, V20250326, V20250618, V20251125, V20260728];

    /// <summary>The newest revision that still uses initialize; what initialize offers when the client's is unknown.</summary>
    public const string LatestWithInitialize = V20251125;

    public const string Latest = V20260728;

    /// <summary>Streamable HTTP: what a server assumes when a request carries no MCP-Protocol-Version header.</summary>
    public const string DefaultForHttp = V20250326;

    public static bool IsSupported(string? version) => version is not null && All.Contains(version, StringComparer.Ordinal);

    /// <summary>Revisions are dates, so ordinal order is chronological order.</summary>
    public static bool IsAtLeast(string version, string minimum) => string.CompareOrdinal(version, minimum) >= 0;

    public static bool IsStateless(string version) => IsAtLeast(version, V20260728);
}
