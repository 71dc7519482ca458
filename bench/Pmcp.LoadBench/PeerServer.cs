namespace Pmcp.LoadBench;

/// <summary>One of the servers under comparison: a display name, its role in the report and the Release build of its program.</summary>
internal sealed record PeerServer(string Name, string Role, string Assembly, string Notes)
{
    public const string Ours = "ours";
    public const string Official = "official";
    public const string Bare = "bare";

    /// <summary>
    /// Our native host (HelloWorld through NativeMcpHost), the official C# SDK, and a bare Kestrel endpoint that parses the
    /// same JSON-RPC body and writes the same answer, all serving <c>echo</c>.
    /// </summary>
    public static IReadOnlyList<PeerServer> All(string repositoryRoot) =>
    [
        new("Pmcp native host", Ours, Output(repositoryRoot, "PmcpEcho"), "HelloWorld via NativeMcpHost; answers application/json"),
        new("Official C# SDK 2.4.0", Official, Output(repositoryRoot, "OfficialSdkEcho"), "ModelContextProtocol.AspNetCore, Stateless = true; answers text/event-stream (it has no JSON-response mode)"),
        new("Bare Kestrel endpoint", Bare, Output(repositoryRoot, "BareKestrelEcho"), "one `MapPost(\"/mcp\")` that reads the body, parses it with `Utf8JsonReader` (jsonrpc, id, method, params.name, params.arguments.message), checks it and writes the same answer as ours with `Utf8JsonWriter` (application/json, Content-Length); no MCP stack"),
    ];

    private static string Output(string root, string project) =>
        Path.Combine(root, "bench", "PeerServers", project, "bin", "Release", "net10.0", project + ".dll");
}
