using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmcp.PackageTests;

/// <summary>A tools/call sent as a plain POST, as many at once as a test likes (the official client sends one at a time).</summary>
internal static class PlainToolCall
{
    /// <summary>One tools/call as a plain POST to the MCP endpoint; returns its text, or what went wrong.</summary>
    public static async Task<string> SendAsync(HttpClient http, string endpoint, int id, string tool, JsonObject arguments)
    {
        var body = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments.DeepClone() },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "2025-11-25");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return $"HTTP {(int)response.StatusCode}: {text}";
        }

        // A JSON answer, or the last data line of an event stream.
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? text.Split('\n').Last(line => line.StartsWith("data:", StringComparison.Ordinal))["data:".Length..]
            : text;
        var answer = JsonNode.Parse(json)!;
        if (answer["result"] is not { } result)
        {
            return "JSON-RPC error: " + answer["error"]?.ToJsonString();
        }

        var content = result["content"]![0]!["text"]!.GetValue<string>();
        return result["isError"]?.GetValue<bool>() == true ? "tool error: " + content : content;
    }
}
