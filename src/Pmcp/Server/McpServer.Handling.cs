using System.Buffers;
using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server.Input;

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

    /// <summary>The host's log for handler failures, used when the builder named none; null: stderr.</summary>
    private Action<HandlerFailure>? _hostFailureLog;

    /// <summary>
    /// Called by a host (the native host, the Workers runtime) with its own log, which handler failures go to unless the
    /// builder named one.
    /// </summary>
    internal void UseHostFailureLog(Action<HandlerFailure> log) => _hostFailureLog = log;

    /// <summary>
    /// <see cref="UseHostFailureLog"/> unless a host already set one: the endpoint's own log, for a server whose host
    /// does not know it (an <c>IWorker</c> served natively), without replacing the native host's logger.
    /// </summary>
    internal void UseHostFailureLogIfNone(Action<HandlerFailure> log) => Interlocked.CompareExchange(ref _hostFailureLog, log, null);

    /// <summary>
    /// Whether handler failures are logged with their exceptions' messages (<see cref="HandlerFailure.MessagesLogged"/>):
    /// set by the endpoint from the var <c>PMCP_LOG_EXCEPTION_MESSAGES</c>; off by default.
    /// </summary>
    internal bool LogExceptionMessages { get; set; }

    /// <summary>Logs a handler's failure; a log that throws is not allowed to turn the answer into a crash.</summary>
    internal void ReportFailure(HandlerFailure failure)
    {
        try
        {
            if ((_failureLog ?? _hostFailureLog) is { } log)
            {
                log(failure);
            }
            else
            {
                Console.Error.WriteLine("pmcp: " + failure);
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"pmcp: the handler failure log threw {e.GetType().Name} while logging: {failure}");
        }
    }

    /// <summary>Requests sent to clients whose answers have not arrived yet.</summary>
    internal ClientRequests ClientRequests { get; } = new();

    /// <summary>
    /// Signs and checks the request state of input-required results: the builder's secrets
    /// (<see cref="McpServerBuilder.WithRequestStateSecret"/>), else a random secret of this process.
    /// </summary>
    /// <remarks>
    /// The random secret is made at first use, not when the server is built, so that a Worker restored from its
    /// start-up image does not share one baked into the image with every other isolate (docs/security.md).
    /// </remarks>
    internal RequestStateSigner RequestStates
    {
        get => _requestStates ?? InitializeEphemeral();
        set => _requestStates = value;
    }

    private RequestStateSigner? _requestStates;

    private RequestStateSigner InitializeEphemeral()
    {
        Interlocked.CompareExchange(ref _requestStates, RequestStateSigner.WithEphemeralSecret(McpServerBuilder.DefaultInputLifetime), null);
        return _requestStates;
    }

    /// <summary>
    /// The secret that signs request states when the builder names none (a Worker secret, or an environment variable
    /// natively); <c>PMCP_MRTR_SECRET_PREVIOUS</c> holds the one it replaced. At least 32 bytes.
    /// </summary>
    public const string RequestStateSecretVariable = "PMCP_MRTR_SECRET";

    /// <summary>True when the builder was given the request-state secret: a host's environment does not replace it.</summary>
    internal bool RequestStateSecretFromBuilder { get; init; }

    /// <summary>
    /// Called by a host with the secrets its environment holds (<c>PMCP_MRTR_SECRET</c>, <c>PMCP_MRTR_SECRET_PREVIOUS</c>);
    /// returns why they cannot sign (never their value), or null. Ignored when the builder named a secret or none is set.
    /// </summary>
    internal string? UseHostRequestStateSecret(string? secret, string? previous)
    {
        if (RequestStateSecretFromBuilder || string.IsNullOrEmpty(secret))
        {
            return null;
        }

        try
        {
            RequestStates = new RequestStateSigner(
                RequestStateSigner.SecretBytes(secret),
                string.IsNullOrEmpty(previous) ? null : RequestStateSigner.SecretBytes(previous),
                _requestStates?.Lifetime ?? McpServerBuilder.DefaultInputLifetime);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"the secret {McpServer.RequestStateSecretVariable} (or its _PREVIOUS) cannot sign request states: {e.Message}";
        }
    }

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
            if (context.IsStateless && InputRound.Supports(method))
            {
                context.Input = InputRound.Start(method, message.Params, RequestStates);
            }

            var reply = await DispatchAsync(method, message.Params, context).ConfigureAwait(false);
            var result = context.IsStateless ? Stateless(reply.Value, method) : reply.Value;
            var json = JsonRpcWriter.Result(message.Id, reply, result);
            return new McpReply(json, null, reply.Value is CallToolResult { IsError: true });
        }
        catch (InputRequiredException e) when (context.Input is { } round)
        {
            var result = new InputRequiredResult(e.Requests) { RequestState = RequestStates.Sign(round.Binding, round.Read) };
            var reply = ResultReply.Of(result, Json.PmcpJsonContext.Default.InputRequiredResult);
            return new McpReply(JsonRpcWriter.Result(message.Id, reply, Stateless(result, method) with { ResultType = InputRequiredResult.Type }), null);
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
            ReportFailure(new HandlerFailure(method, NameIn(method, message.Params), context.RequestId, e, LogExceptionMessages));
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
