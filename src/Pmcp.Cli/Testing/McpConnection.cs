using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing;

/// <summary>
/// One working session with a server for <c>test run</c> and <c>test load</c>: initialize in the newest session
/// revision the server agrees to, else the stateless revision through <c>server/discover</c>.
/// </summary>
internal static class McpConnection
{
    /// <summary>A negotiated session; throws <see cref="CliException"/> when the server is unreachable or speaks no revision.</summary>
    public static async Task<McpSession> OpenAsync(McpHttpClient client, CancellationToken cancellationToken)
    {
        try
        {
            var parameters = new JsonObject
            {
                ["protocolVersion"] = ServerChecker.SessionRevisions[0],
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = McpSession.ClientInfo(),
            };
            var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 0, ["method"] = "initialize", ["params"] = parameters }.ToJsonString();
            var reply = await client.PostAsync(body, new Dictionary<string, string?>(), cancellationToken);
            ThrowIfUnauthorized(client, reply);
            if (reply.Result is { ValueKind: JsonValueKind.Object } result
                && result.TryGetProperty("protocolVersion", out var agreed) && agreed.GetString() is { } version && ServerChecker.SessionRevisions.Contains(version))
            {
                var session = new McpSession(client, version, stateless: false, reply.SessionId);
                await session.NotifyAsync("notifications/initialized", cancellationToken);
                return session;
            }

            var stateless = new McpSession(client, ServerChecker.StatelessRevision, stateless: true, sessionId: null);
            var discover = await stateless.RequestAsync("server/discover", null, cancellationToken);
            ThrowIfUnauthorized(client, discover);
            return discover.Result is { ValueKind: JsonValueKind.Object }
                ? stateless
                : throw new CliException($"{client.Endpoint} is not an MCP endpoint: initialize got {reply.Describe()}, server/discover got {discover.Describe()}. Check the URL: the MCP endpoint usually ends in /mcp.");
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new CliException($"could not reach {client.Endpoint}: {e.Message}. Start the server (dotnet pmcp dev <project-dir>, or pass the project folder instead of a URL) or check the URL.");
        }
    }

    private static void ThrowIfUnauthorized(McpHttpClient client, McpReply reply)
    {
        if (reply.Status == HttpStatusCode.Unauthorized)
        {
            throw TestTarget.Unauthorized(client.Endpoint, client.SendsCredential);
        }
    }
}
