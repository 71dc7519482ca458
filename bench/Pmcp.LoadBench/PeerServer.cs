namespace Pmcp.LoadBench;

/// <summary>One of the servers under comparison: a display name and the Release build of its program.</summary>
internal sealed record PeerServer(string Name, string Assembly, string Notes)
{
    /// <summary>Our native host (HelloWorld through NativeMcpHost) and the official C# SDK, both serving <c>echo</c>.</summary>
    public static IReadOnlyList<PeerServer> All(string repositoryRoot) =>
    [
        new("Pmcp native host", Output(repositoryRoot, "PmcpEcho"), "HelloWorld via NativeMcpHost; answers application/json"),
        new("Official C# SDK 2.4.0", Output(repositoryRoot, "OfficialSdkEcho"), "ModelContextProtocol.AspNetCore, Stateless = true; answers text/event-stream (it has no JSON-response mode)"),
    ];

    private static string Output(string root, string project) =>
        Path.Combine(root, "bench", "PeerServers", project, "bin", "Release", "net10.0", project + ".dll");
}
