using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.Testing;

/// <summary>
/// Raw HTTP calls in the stateless revision (2026-07-28): the official TypeScript client (1.32.2) speaks up to
/// 2025-11-25 and knows nothing of input-required results, so tests of MRTR post the JSON-RPC themselves, with the
/// headers and <c>_meta</c> the revision requires.
/// </summary>
public static class StatelessCaller
{
    public const string Revision = "2026-07-28";

    /// <summary>Posts one request and returns the JSON-RPC response (the last SSE event when the server streams).</summary>
    public static async Task<JsonObject> CallAsync(HttpClient http, string url, string method, JsonObject @params, string capabilities = """{"elicitation":{},"sampling":{},"roots":{}}""")
    {
        @params["_meta"] = new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = Revision,
            ["io.modelcontextprotocol/clientCapabilities"] = JsonNode.Parse(capabilities),
        };
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = @params };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("MCP-Protocol-Version", Revision);
        request.Headers.Add("Mcp-Method", method);
        if (@params["name"]?.GetValue<string>() is { } name)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            text = text.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..].Trim()).Last();
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// Calls <paramref name="tool"/> and answers every elicitation it asks with <paramref name="answer"/>(key) until the
    /// result is complete; returns the complete result and how many rounds it took.
    /// </summary>
    public static async Task<(JsonObject Result, int Rounds)> CallAnsweringAsync(HttpClient http, string url, string tool, Func<string, JsonObject> answer, int maxRounds = 10)
    {
        string? state = null;
        JsonObject? responses = null;
        for (var round = 1; round <= maxRounds; round++)
        {
            var @params = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject() };
            if (responses is not null)
            {
                @params["inputResponses"] = responses;
            }

            if (state is not null)
            {
                @params["requestState"] = state;
            }

            var reply = await CallAsync(http, url, "tools/call", @params);
            var result = reply["result"]?.AsObject() ?? throw new InvalidOperationException($"round {round} failed: {reply.ToJsonString()}");
            if (result["resultType"]?.GetValue<string>() != "input_required")
            {
                return (result, round);
            }

            state = result["requestState"]?.GetValue<string>();
            responses = [];
            foreach (var (key, _) in result["inputRequests"]!.AsObject())
            {
                responses[key] = new JsonObject { ["action"] = "accept", ["content"] = answer(key) };
            }
        }

        throw new InvalidOperationException($"{tool} still asked for input after {maxRounds} rounds");
    }
}
