using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// A hand-written Streamable HTTP MCP server (minimal API, one tool <c>add</c> with an output schema) that follows
/// the rules <c>test check</c> checks, except the one <see cref="Defect"/> it is started with. Written without Pmcp,
/// so that the checks are judged against the specification, not against Pmcp's own behaviour.
/// </summary>
public sealed class FlawedServer : IAsyncDisposable
{
    private static readonly string[] Revisions = ["2025-11-25", "2025-06-18", "2025-03-26"];

    private readonly WebApplication _app;

    private FlawedServer(WebApplication app, string url)
    {
        _app = app;
        McpUrl = url;
    }

    /// <summary>The MCP endpoint, on loopback.</summary>
    public string McpUrl { get; }

    public static async Task<FlawedServer> StartAsync(Defect defect)
    {
        var app = LoopbackApp.Create();
        app.MapPost("/mcp", (HttpContext context) => AnswerAsync(context, defect));
        await app.StartAsync();
        return new FlawedServer(app, LoopbackApp.Address(app) + "/mcp");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task AnswerAsync(HttpContext context, Defect defect)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !origin.StartsWith("http://127.0.0.1", StringComparison.Ordinal) && !origin.StartsWith("http://localhost", StringComparison.Ordinal)
            && defect != Defect.ForeignOriginServed)
        {
            await Refuse(context, 403, -32600, "Forbidden: origin not allowed");
            return;
        }

        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            await Refuse(context, 415, -32600, "Unsupported Media Type");
            return;
        }

        var accept = request.Headers.Accept.ToString();
        if (!accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase)
            && defect != Defect.AcceptIgnored)
        {
            await Refuse(context, 406, -32600, "Not Acceptable");
            return;
        }

        JsonNode? message;
        try
        {
            message = await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            await Refuse(context, 400, -32700, "Parse error");
            return;
        }

        var version = request.Headers["MCP-Protocol-Version"].ToString();
        if (version.Length > 0 && !Revisions.Contains(version))
        {
            await Refuse(context, 400, -32600, "Unsupported protocol version");
            return;
        }

        var id = message?["id"]?.DeepClone();
        var method = message?["method"]?.GetValue<string>();
        if (id is null)
        {
            context.Response.StatusCode = 202;
            return;
        }

        var parameters = message?["params"] as JsonObject ?? [];
        JsonNode? result = method switch
        {
            "initialize" => Initialize(parameters),
            "ping" => new JsonObject(),
            "tools/list" => new JsonObject { ["tools"] = new JsonArray(Tool(defect)) },
            "tools/call" => Call(parameters, defect),
            _ => null,
        };
        var reply = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id };
        if (result is not null)
        {
            reply["result"] = result;
        }
        else
        {
            reply["error"] = method == "tools/call"
                ? new JsonObject { ["code"] = -32602, ["message"] = "Unknown tool" }
                : new JsonObject { ["code"] = -32601, ["message"] = "Method not found" };
        }

        await context.Response.WriteAsJsonAsync(reply);
    }

    private static JsonObject Initialize(JsonObject parameters)
    {
        var requested = parameters["protocolVersion"]?.GetValue<string>();
        return new JsonObject
        {
            ["protocolVersion"] = requested is not null && Revisions.Contains(requested) ? requested : Revisions[0],
            ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
            ["serverInfo"] = new JsonObject { ["name"] = "flawed", ["version"] = "1.0.0" },
        };
    }

    private static JsonObject Tool(Defect defect) => new()
    {
        ["name"] = "add",
        ["description"] = "Add two integers",
        ["inputSchema"] = defect == Defect.InputSchemaNotObject
            ? new JsonObject { ["type"] = "string" }
            : JsonNode.Parse("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]}"""),
        ["outputSchema"] = JsonNode.Parse("""{"type":"object","properties":{"sum":{"type":"integer"}},"required":["sum"]}"""),
        ["annotations"] = new JsonObject { ["readOnlyHint"] = true },
    };

    private static JsonObject? Call(JsonObject parameters, Defect defect)
    {
        if (parameters["name"]?.GetValue<string>() != "add")
        {
            return defect == Defect.UnknownToolSucceeds ? Text("done") : null;
        }

        var arguments = parameters["arguments"] as JsonObject;
        if (arguments?["a"] is not JsonValue a || !a.TryGetValue<long>(out var x) || arguments["b"] is not JsonValue b || !b.TryGetValue<long>(out var y))
        {
            var error = Text("a and b must be integers");
            error["isError"] = true;
            return error;
        }

        var result = Text((x + y).ToString(System.Globalization.CultureInfo.InvariantCulture));
        result["structuredContent"] = defect == Defect.OutputBreaksSchema ? new JsonObject { ["total"] = x + y } : new JsonObject { ["sum"] = x + y };
        return result;
    }

    private static JsonObject Text(string text) => new() { ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }) };

    private static Task Refuse(HttpContext context, int status, int code, string text)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = null, ["error"] = new JsonObject { ["code"] = code, ["message"] = text } });
    }
}
