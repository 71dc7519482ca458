using System.Text.Json.Nodes;

namespace Pmcp.FakeCloudflare;

/// <summary>Builds tail events in the shape Cloudflare's tail (<c>trace-v1</c>) sends and wrangler prints.</summary>
public static class TailEvents
{
    /// <summary>One fetch invocation of <paramref name="scriptName"/> with its console output.</summary>
    public static JsonObject Fetch(string scriptName, string url, string method = "GET", int status = 200, string outcome = "ok", params string[] logs) =>
        Fetch(scriptName, url, method, status, outcome, logs.Select(log => ("log", log)));

    /// <summary>One fetch invocation with console lines of their own levels (<c>log</c>, <c>warn</c>, <c>error</c>), as a Worker wrote them.</summary>
    public static JsonObject Fetch(string scriptName, string url, string method, int status, string outcome, IEnumerable<(string Level, string Message)> logs)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new JsonObject
        {
            ["outcome"] = outcome,
            ["scriptName"] = scriptName,
            ["diagnosticsChannelEvents"] = new JsonArray(),
            ["exceptions"] = new JsonArray(),
            ["logs"] = new JsonArray([.. logs.Select(log => (JsonNode)new JsonObject
            {
                ["message"] = new JsonArray(log.Message),
                ["level"] = log.Level,
                ["timestamp"] = timestamp,
            })]),
            ["eventTimestamp"] = timestamp,
            ["event"] = new JsonObject
            {
                ["request"] = new JsonObject
                {
                    ["url"] = url,
                    ["method"] = method,
                    ["headers"] = new JsonObject { ["user-agent"] = "pmcp-fake-cloudflare" },
                    ["cf"] = new JsonObject { ["colo"] = "LHR", ["country"] = "GB" },
                },
                ["response"] = new JsonObject { ["status"] = status },
            },
        };
    }
}
