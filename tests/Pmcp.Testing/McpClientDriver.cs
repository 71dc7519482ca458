using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Testing;

/// <summary>Drives a server with the official TypeScript MCP client (tests/e2e/mcp-client.mjs) and returns what it saw.</summary>
public static class McpClientDriver
{
    public static async Task<ClientRun> RunAsync(string url, JsonArray operations, params string[] headers)
    {
        var arguments = new List<string> { url, operations.ToJsonString() };
        foreach (var header in headers)
        {
            arguments.Add("--header");
            arguments.Add(header);
        }

        var (exitCode, stdout, stderr) = await NodeTool.RunAsync("mcp-client.mjs", arguments, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"mcp-client.mjs exited {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        var lastLine = stdout.TrimEnd().Split('\n')[^1];
        return new ClientRun(JsonNode.Parse(lastLine)!.AsObject());
    }

    public static JsonObject Op(string op, object? fields = null)
    {
        var node = new JsonObject { ["op"] = op };
        if (fields is not null)
        {
            foreach (var (name, value) in JsonSerializer.SerializeToNode(fields)!.AsObject())
            {
                node[name] = value?.DeepClone();
            }
        }

        return node;
    }
}

/// <summary>What the client saw: the negotiated session and one result per operation.</summary>
public sealed record ClientRun(JsonObject Output)
{
    public string? ConnectError => Output["connectError"]?.GetValue<string>();

    /// <summary>The HTTP status (or JSON-RPC code) of a failed connect.</summary>
    public int? ConnectErrorCode => Output["connectErrorCode"]?.GetValue<int>();

    public string? ProtocolVersion => Output["protocolVersion"]?.GetValue<string>();

    public JsonObject ServerVersion => Output["serverVersion"]!.AsObject();

    public JsonObject Capabilities => Output["capabilities"]!.AsObject();

    public JsonObject Result(int index)
    {
        var entry = Output["results"]![index]!.AsObject();
        Assert.True(entry["ok"] is not null, $"operation {index} ({entry["op"]}) failed: {entry["error"]?.ToJsonString()}");
        return entry["ok"]!.AsObject();
    }

    public JsonObject Error(int index)
    {
        var entry = Output["results"]![index]!.AsObject();
        Assert.True(entry["error"] is not null, $"operation {index} ({entry["op"]}) succeeded but should have failed: {entry["ok"]?.ToJsonString()}");
        return entry["error"]!.AsObject();
    }

    public JsonArray Progress(int index) => Output["results"]![index]!["progress"]!.AsArray();

    public JsonArray Logs(int index) => Output["results"]![index]!["logs"]!.AsArray();
}
