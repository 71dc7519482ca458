using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;
using Pmcp.Server.Generated;

namespace Pmcp.Workers.Interop;

/// <summary>
/// Runs the tool-call path once while the isolate starts, on a private server, so the first real <c>tools/call</c>
/// does not pay for the interpreter's first pass over it: request parsing, dispatch, argument validation and
/// binding, structured results and response writing. No user code runs. The tool is built the way generated
/// tools are, so nothing here pulls schema generation into the bundle.
/// </summary>
internal static class EngineWarmUp
{
    private static readonly byte[] Call = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"warmup","arguments":{"text":"warm","count":2}}}""");

    public static async Task RunAsync()
    {
        var schema = ToolJsonMetadata.Schema("""{"type":"object","properties":{"text":{"type":"string"},"count":{"type":"integer"}},"required":["text"]}""");
        var server = McpServer.CreateBuilder("pmcp-warmup", "1")
            .WithJsonContext(WarmUpJsonContext.Default)
            .Tool(new Tool { Name = "warmup", InputSchema = schema }, (arguments, _) =>
            {
                ToolArguments.Validate(arguments, schema, "warmup");
                var text = ToolArguments.ReadString(arguments.GetProperty("text"), "warmup", "text");
                var count = arguments.TryGetProperty("count", out var c) ? ToolArguments.ReadInt32(c, "warmup", "count") : 1;
                return ValueTask.FromResult(ToolResults.Structured(new WarmUpResult([.. Enumerable.Repeat(text, count)]), WarmUpJsonContext.Default.WarmUpResult, wrap: false));
            })
            .Build();
        var handler = new StreamableHttpHandler(server);
        string?[] headers = ["application/json", "application/json, text/event-stream", "2025-06-18"];
        var request = new McpHttpRequest("POST", "/mcp", name => name switch
        {
            "Content-Type" => headers[0],
            "Accept" => headers[1],
            "MCP-Protocol-Version" => headers[2],
            _ => null,
        }, Call);
        var response = await handler.HandleAsync(request).ConfigureAwait(false);
        if (response.StatusCode != 200)
        {
            Log.Warn($"pmcp: the start-up warm-up answered {response.StatusCode}; the first tool call will be slower.");
        }
    }
}

internal sealed record WarmUpResult(string[] Items);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WarmUpResult))]
internal sealed partial class WarmUpJsonContext : JsonSerializerContext;
