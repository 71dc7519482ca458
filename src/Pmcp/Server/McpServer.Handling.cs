using System.Buffers;
using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

public sealed partial class McpServer
{
    /// <summary>Methods the stateless revision removed; they are unknown there (404, -32601).</summary>
    private static readonly HashSet<string> RemovedInStateless =
        ["initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"];

    /// <summary>Results that carry <c>ttlMs</c> and <c>cacheScope</c> in the stateless revision.</summary>
    private static readonly HashSet<string> Cacheable =
        ["server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read"];

    /// <summary>Where handler failures go: the builder's log (<see cref="McpServerBuilder.WithHandlerFailureLog"/>), else the host's.</summary>
    private readonly Action<HandlerFailure>? _failureLog;

    /// <summary>The host's log for handler failures, used when the builder named none; stderr until a host sets one.</summary>
    private Action<HandlerFailure> _hostFailureLog = failure => Console.Error.WriteLine("pmcp: " + failure);

    /// <summary>
    /// Called by a host (the native host, the Workers runtime) with its own log, which handler failures go to unless the
    /// builder named one.
    /// </summary>
    internal void UseHostFailureLog(Action<HandlerFailure> log) => _hostFailureLog = log;

    /// <summary>Logs a handler's failure; a log that throws is not allowed to turn the answer into a crash.</summary>
    internal void ReportFailure(HandlerFailure failure)
    {
        try
        {
            (_failureLog ?? _hostFailureLog)(failure);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"pmcp: the handler failure log threw {e.GetType().Name} while logging: {failure}");
        }
    }

    /// <summary>Requests sent to clients whose answers have not arrived yet.</summary>
    internal ClientRequests ClientRequests { get; } = new();

    /// <summary>How long (ms) a stateless client may cache list and discover results.</summary>
    public int ListTtlMs { get; init; } = 60_000;

    /// <summary>
    /// Answers one JSON-RPC request. Returns the response bytes, or null when no response is owed
    /// (a notification, a response from the client, or a request cancelled by the client).
    /// </summary>
    internal async ValueTask<McpReply?> HandleAsync(JsonRpcMessage message, McpRequestContext context)
    {
        if (!message.IsRequest)
        {
            return null;
        }

        var method = message.Method!;
        try
        {
            CheckAvailable(method, context);
            var reply = await DispatchAsync(method, message.Params, context).ConfigureAwait(false);
            var result = context.IsStateless ? Stateless(reply.Value, method) : reply.Value;
            var json = JsonRpcWriter.Result(message.Id, reply, result);
            return new McpReply(json, null, reply.Value is CallToolResult { IsError: true });
        }
        catch (McpException e)
        {
            return new McpReply(JsonRpcWriter.Error(message.Id, e), e.Code);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e)
        {
            ReportFailure(new HandlerFailure(method, NameIn(method, message.Params), context.RequestId, e));
            return new McpReply(JsonRpcWriter.Error(message.Id, McpErrorCodes.InternalError, "Internal error"), McpErrorCodes.InternalError);
        }
    }

    /// <summary>What the request names: a tool's or prompt's name, a resource's URI.</summary>
    private static string? NameIn(string method, JsonElement @params)
    {
        var property = method switch
        {
            "tools/call" or "prompts/get" => "name",
            "resources/read" => "uri",
            _ => null,
        };
        return property is not null && @params.ValueKind == JsonValueKind.Object
            && @params.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }

    private void CheckAvailable(string method, McpRequestContext context)
    {
        var offered = method switch
        {
            _ when context.IsStateless && RemovedInStateless.Contains(method) => false,
            "tools/list" or "tools/call" => Capabilities.Tools is not null,
            "prompts/list" or "prompts/get" => Capabilities.Prompts is not null,
            "resources/list" or "resources/read" or "resources/templates/list" => Capabilities.Resources is not null,
            _ => true,
        };
        if (!offered)
        {
            throw McpException.MethodNotFound(method);
        }
    }

    /// <summary>
    /// The stateless revision adds to every result <c>resultType</c> and the server's identity in <c>_meta</c>,
    /// and to cacheable ones <c>ttlMs</c> and <c>cacheScope</c>: set on the value, which is then written once.
    /// </summary>
    private Result Stateless(Result result, string method)
    {
        var cacheable = Cacheable.Contains(method);
        var isRead = method == "resources/read";
        return result with
        {
            ResultType = "complete",
            TtlMs = cacheable ? (isRead ? 0 : ListTtlMs) : null,
            CacheScope = cacheable ? (isRead ? "private" : "public") : null,
            Meta = result.Meta is { ValueKind: JsonValueKind.Object } own ? MetaWithServerInfo(own) : _serverInfoMeta.Value,
        };
    }

    /// <summary><c>{"io.modelcontextprotocol/serverInfo": …}</c>: the same for every result of this server, made once.</summary>
    private readonly Lazy<JsonElement> _serverInfoMeta;

    /// <summary>A handler's own <c>_meta</c> with the server's identity added (replacing one it set itself).</summary>
    private JsonElement MetaWithServerInfo(JsonElement? own)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Json.JsonWriting.Options))
        {
            writer.WriteStartObject();
            if (own is { } members)
            {
                foreach (var property in members.EnumerateObject())
                {
                    if (!property.NameEquals(MetaKeys.ServerInfo))
                    {
                        property.WriteTo(writer);
                    }
                }
            }

            writer.WritePropertyName(MetaKeys.ServerInfo);
            JsonSerializer.Serialize(writer, Info, Json.PmcpJsonContext.Default.Implementation);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}

/// <summary>A serialized JSON-RPC response and, when it is an error, its code; <paramref name="ToolError"/>: a tool's result with <c>isError</c>.</summary>
internal readonly record struct McpReply(byte[] Json, int? ErrorCode, bool ToolError = false);
