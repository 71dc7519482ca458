using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing;

/// <summary>
/// One negotiated protocol revision: the headers every request repeats (<c>MCP-Protocol-Version</c>, the session id a
/// stateful server gave), and for the stateless revision (2026-07-28) the per-request <c>_meta</c> and the
/// <c>Mcp-Method</c>/<c>Mcp-Name</c> headers that must match the body.
/// </summary>
internal sealed class McpSession(McpHttpClient client, string version, bool stateless, string? sessionId)
{
    private const string MetaVersion = "io.modelcontextprotocol/protocolVersion";
    private const string MetaCapabilities = "io.modelcontextprotocol/clientCapabilities";
    private const string MetaClientInfo = "io.modelcontextprotocol/clientInfo";

    private int _nextId;

    /// <summary>The revision in use, such as <c>2025-11-25</c>.</summary>
    public string Version { get; } = version;

    /// <summary>Whether requests carry their version in <c>_meta</c> instead of relying on <c>initialize</c>.</summary>
    public bool Stateless { get; } = stateless;

    /// <summary>The client's name and version, as initialize and the stateless <c>_meta</c> send it.</summary>
    public static JsonObject ClientInfo() => new() { ["name"] = "dotnet-pmcp-test", ["version"] = "1.0.0" };

    /// <summary>A JSON-RPC request of this revision, with its headers.</summary>
    public (string Body, Dictionary<string, string?> Headers) Build(string method, JsonObject? parameters, bool notification = false)
    {
        parameters ??= [];
        var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["MCP-Protocol-Version"] = Version };
        if (sessionId is not null)
        {
            headers["Mcp-Session-Id"] = sessionId;
        }

        if (Stateless)
        {
            parameters["_meta"] = new JsonObject
            {
                [MetaVersion] = Version,
                [MetaCapabilities] = new JsonObject(),
                [MetaClientInfo] = ClientInfo(),
            };
            headers["Mcp-Method"] = method;
            var name = method switch
            {
                "tools/call" or "prompts/get" => parameters["name"],
                "resources/read" => parameters["uri"],
                _ => null,
            };
            if (name is JsonValue value && value.TryGetValue<string>(out var text))
            {
                headers["Mcp-Name"] = text;
            }
        }

        var message = new JsonObject { ["jsonrpc"] = "2.0" };
        if (!notification)
        {
            message["id"] = Interlocked.Increment(ref _nextId);
        }

        message["method"] = method;
        message["params"] = parameters;
        return (message.ToJsonString(), headers);
    }

    /// <summary>Sends a request and returns the answer, whatever it is.</summary>
    public Task<McpReply> RequestAsync(string method, JsonObject? parameters, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var (body, headers) = Build(method, parameters);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            headers[name] = value;
        }

        return client.PostAsync(body, headers, cancellationToken);
    }

    /// <summary>Sends a notification (no id); a server answers 202 Accepted.</summary>
    public Task<McpReply> NotifyAsync(string method, CancellationToken cancellationToken)
    {
        var (body, headers) = Build(method, null, notification: true);
        return client.PostAsync(body, headers, cancellationToken);
    }

    /// <summary>Every page of a list method (<c>tools/list</c> and the like), or the failing reply.</summary>
    public async Task<(List<JsonElement> Items, McpReply? Failure)> ListAsync(string method, string property, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        for (var page = 0; page < 50; page++)
        {
            var reply = await RequestAsync(method, cursor is null ? null : new JsonObject { ["cursor"] = cursor }, cancellationToken);
            if (reply.Result is not { ValueKind: JsonValueKind.Object } result || !result.TryGetProperty(property, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return (items, reply);
            }

            items.AddRange(list.EnumerateArray());
            cursor = result.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (cursor is null)
            {
                break;
            }
        }

        return (items, null);
    }
}
