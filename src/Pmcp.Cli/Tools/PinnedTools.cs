namespace Pmcp.Cli.Tools;

/// <summary>
/// The versions of the JavaScript tools Pmcp drives, pinned together: wrangler bundles its own workerd, and a
/// compatibility date newer than that workerd is refused, so the default date is derived from it.
/// </summary>
internal static class PinnedTools
{
    public const string Wrangler = "4.164.0";

    /// <summary>The workerd that this wrangler bundles (through miniflare); checked against the installed one.</summary>
    public const string Workerd = "1.20261117.1";

    /// <summary>The official MCP conformance suite that <c>dotnet pmcp test conformance</c> runs.</summary>
    public const string Conformance = "0.2.0-alpha.12";

    /// <summary>wrangler needs Node 22.12+; where the machine's Node is older, this one is installed beside it.</summary>
    public const string Node = "22.23.3";

    /// <summary>The newest compatibility date the pinned workerd accepts: its version is 1.YYYYMMDD.N.</summary>
    public static string DefaultCompatibilityDate
    {
        get
        {
            var date = Workerd.Split('.')[1];
            return $"{date[..4]}-{date[4..6]}-{date[6..8]}";
        }
    }
}
