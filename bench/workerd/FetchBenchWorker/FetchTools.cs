using System.ComponentModel;
using Pmcp.Server;
using Pmcp.Workers.Http;

namespace FetchBenchWorker;

/// <summary>
/// The tools: <c>fetch</c> makes one GET with a plain <see cref="HttpClient"/> (one per isolate, as .NET code keeps
/// one) and answers the body as text; <c>fetch_handler</c> the same over <see cref="WorkersHttpHandler"/>; <c>echo</c> is
/// HelloWorld's, the same MCP path without the fetch.
/// </summary>
[McpToolSet]
public sealed partial class FetchTools
{
    internal static readonly HttpClient Http = new();

    private static readonly HttpClient Handler = new(new WorkersHttpHandler());

    [McpTool("fetch", ReadOnly = true), Description("GET the URL and return its body as text")]
    public static Task<string> Fetch([Description("The URL to GET")] string url, CancellationToken cancellationToken) =>
        Http.GetStringAsync(url, cancellationToken);

    [McpTool("fetch_handler", ReadOnly = true), Description("GET the URL through WorkersHttpHandler and return its body as text")]
    public static Task<string> FetchThroughHandler([Description("The URL to GET")] string url, CancellationToken cancellationToken) =>
        Handler.GetStringAsync(url, cancellationToken);

    [McpTool("echo", ReadOnly = true, Idempotent = true, OpenWorld = false), Description("Return the message it is given")]
    public static string Echo([Description("The message to send back")] string message) => message;
}
