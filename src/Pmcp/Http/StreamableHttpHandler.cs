using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Http;

/// <summary>
/// MCP's Streamable HTTP transport as one function: (method, path, headers, body) in, (status, headers, body) out.
/// Stateless: no sessions, POST only. Every host (Kestrel natively, the JS host in workerd) calls this, so they
/// behave the same.
/// </summary>
public sealed class StreamableHttpHandler(McpServer server, StreamableHttpOptions? options = null)
{
    private const string ProtocolVersionHeader = "MCP-Protocol-Version";
    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    /// <summary>The server whose tools, resources and prompts answer the requests this handler admits.</summary>
    public McpServer Server { get; } = server;

    /// <summary>The endpoint's paths, limits and guards (API key, allowed hosts and origins); defaults when none were given.</summary>
    public StreamableHttpOptions Options { get; } = options ?? new StreamableHttpOptions();

    /// <summary>
    /// Answers one HTTP request: the health path, the MCP endpoint (Host, Origin and API key checks, CORS preflight,
    /// body limit, protocol version, then the JSON-RPC message or batch), or 404 for any other path.
    /// </summary>
    /// <param name="request">The request as the host read it.</param>
    /// <returns>
    /// The response to send. Refusals are answered, not thrown: an HTTP status, with a JSON-RPC error body for what the
    /// client sent as JSON-RPC (a 401 or 404 is plain text);
    /// when the work sends notifications before its result the response carries an <see cref="McpHttpResponse.EventStream"/>.
    /// </returns>
    public async Task<McpHttpResponse> HandleAsync(McpHttpRequest request)
    {
        if (Options.HealthPath is { } health && request.Path == health)
        {
            return request.Method is "GET" or "HEAD"
                ? McpHttpResponse.Text(200, "OK")
                : McpHttpResponse.Text(405, "Method Not Allowed", [new("Allow", "GET, HEAD")]);
        }

        if (request.Path != Options.McpPath)
        {
            return McpHttpResponse.Text(404, "Not Found");
        }

        var host = request.Header("Host");
        if (!HttpRules.HostAllowed(host, Options))
        {
            return Refuse(403, McpErrorCodes.InvalidRequest, "Forbidden: this server does not answer for that Host header");
        }

        var origin = request.Header("Origin");
        if (origin is not null && !HttpRules.OriginAllowed(origin, host, Options))
        {
            return Refuse(403, McpErrorCodes.InvalidRequest, "Forbidden: origin not allowed");
        }

        var cors = CorsHeaders(origin);
        if (request.Method == "OPTIONS")
        {
            return new McpHttpResponse { StatusCode = 204, Headers = [.. cors, .. PreflightHeaders] };
        }

        if (request.Method != "POST")
        {
            return McpHttpResponse.Text(405, "Method Not Allowed: this stateless MCP endpoint takes POST only", [new("Allow", "POST, OPTIONS"), .. cors]);
        }

        if (Options.ApiKey is { } key && !HttpRules.BearerMatches(request.Header("Authorization"), key))
        {
            var challenge = request.Header("Authorization") is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            return McpHttpResponse.Text(401, "Unauthorized: send Authorization: Bearer <API key>", [new("WWW-Authenticate", challenge), .. cors]);
        }

        if (!HttpRules.IsJsonContentType(request.Header("Content-Type")))
        {
            return Refuse(415, McpErrorCodes.InvalidRequest, "Unsupported Media Type: send Content-Type: application/json", cors);
        }

        var accept = HttpRules.ParseAccept(request.Header("Accept"));
        if (!accept.Json && !accept.EventStream)
        {
            return Refuse(406, McpErrorCodes.InvalidRequest, "Not Acceptable: accept application/json or text/event-stream", cors);
        }

        if (request.BodyTooLarge || request.Body.Length > Options.MaxRequestBodyBytes)
        {
            return Refuse(413, McpErrorCodes.InvalidRequest, $"Payload Too Large: the limit is {Options.MaxRequestBodyBytes} bytes", cors);
        }

        if (!Utf8.IsValid(request.Body.Span))
        {
            return Refuse(400, McpErrorCodes.ParseError, "Parse error: the body is not valid UTF-8", cors);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request.Body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return Refuse(400, McpErrorCodes.ParseError, $"Parse error: {FirstLine(e.Message)}", cors);
        }

        if (HttpRules.EscapesLoneSurrogate(request.Body.Span))
        {
            document.Dispose();
            return Refuse(400, McpErrorCodes.ParseError, "Parse error: a string escapes a lone UTF-16 surrogate (like \\ud800), which is not text", cors);
        }

        var exchange = new Exchange(this, request, accept, cors);
        try
        {
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? await exchange.BatchAsync(document.RootElement).ConfigureAwait(false)
                : await exchange.SingleAsync(document.RootElement).ConfigureAwait(false);
        }
        finally
        {
            // The work behind an event stream goes on after this returns and still reads the body's JSON (the id,
            // _meta, a tool's arguments), so the document's pooled memory is given back only when that work ends.
            if (exchange.StreamingWork is { IsCompleted: false } work)
            {
                _ = work.ContinueWith(_ => document.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                document.Dispose();
            }
        }
    }

    private static readonly KeyValuePair<string, string>[] PreflightHeaders =
    [
        new("Access-Control-Allow-Methods", "POST, OPTIONS"),
        new("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id, Last-Event-ID"),
        new("Access-Control-Max-Age", "86400"),
    ];

    private static KeyValuePair<string, string>[] CorsHeaders(string? origin) => origin is null
        ? NoHeaders
        : [new("Access-Control-Allow-Origin", origin), new("Access-Control-Expose-Headers", "MCP-Protocol-Version, Mcp-Session-Id"), new("Vary", "Origin")];

    private static McpHttpResponse Refuse(int status, int code, string message, IEnumerable<KeyValuePair<string, string>>? headers = null, JsonElement id = default, JsonElement? data = null) =>
        McpHttpResponse.Json(status, JsonRpcWriter.Error(id, code, message, data), headers ?? NoHeaders);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>One request/response exchange: the era rules (legacy with initialize, or stateless) and the response mode.</summary>
    private sealed class Exchange(StreamableHttpHandler handler, McpHttpRequest request, (bool Json, bool EventStream) accept, KeyValuePair<string, string>[] cors)
    {
        private McpServer Server => handler.Server;

        public async Task<McpHttpResponse> SingleAsync(JsonElement root)
        {
            JsonRpcMessage message;
            try
            {
                message = JsonRpcMessage.Parse(root);
            }
            catch (McpException e)
            {
                return Refuse(400, e.Code, e.Message, cors, JsonRpcMessage.TryGetId(root));
            }

            var meta = Params.Meta(message.Params);
            var headerVersion = request.Header(ProtocolVersionHeader)?.Trim();
            var stateless = meta is { } m && m.TryGetProperty(MetaKeys.ProtocolVersion, out _)
                || (headerVersion is not null && ProtocolVersions.IsSupported(headerVersion) && ProtocolVersions.IsStateless(headerVersion));
            return stateless ? await StatelessAsync(message, meta, headerVersion).ConfigureAwait(false) : await LegacyAsync(message, headerVersion).ConfigureAwait(false);
        }

        private async Task<McpHttpResponse> LegacyAsync(JsonRpcMessage message, string? headerVersion)
        {
            if (headerVersion is not null && (!ProtocolVersions.IsSupported(headerVersion) || ProtocolVersions.IsStateless(headerVersion)))
            {
                return UnsupportedHeaderVersion(message, headerVersion);
            }

            if (message.IsResponse)
            {
                // An answer to a request this server sent (sampling, elicitation); unknown ids are ignored.
                Server.ClientRequests.Complete(message);
                return Accepted();
            }

            if (message.IsNotification)
            {
                return Accepted();
            }

            var version = message.Method == "initialize" ? ProtocolVersions.LatestWithInitialize : headerVersion ?? ProtocolVersions.DefaultForHttp;
            return await RespondAsync(message, version, Server.MinimumLogLevel, statusFor: _ => 200).ConfigureAwait(false);
        }

        private async Task<McpHttpResponse> StatelessAsync(JsonRpcMessage message, JsonElement? meta, string? headerVersion)
        {
            if (message.Method is null)
            {
                return Refuse(400, McpErrorCodes.InvalidRequest, "Invalid request: clients must not send responses in this protocol version", cors, message.Id);
            }

            var methodHeader = request.Header("Mcp-Method");
            if (message.IsNotification)
            {
                return methodHeader is not null && HttpRules.DecodeHeaderValue(methodHeader) != message.Method
                    ? Mismatch(message, $"Mcp-Method header value '{methodHeader.Trim()}' does not match body value '{message.Method}'")
                    : Accepted();
            }

            var bodyVersion = meta?.TryGetProperty(MetaKeys.ProtocolVersion, out var v) == true && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (bodyVersion is null || meta?.TryGetProperty(MetaKeys.ClientCapabilities, out var caps) != true || caps.ValueKind != JsonValueKind.Object)
            {
                return Refuse(400, McpErrorCodes.InvalidParams,
                    $"Invalid params: _meta must carry '{MetaKeys.ProtocolVersion}' (a string) and '{MetaKeys.ClientCapabilities}' (an object)", cors, message.Id);
            }

            if (HeaderProblem(message, methodHeader, headerVersion, bodyVersion) is { } problem)
            {
                return Mismatch(message, problem);
            }

            if (!ProtocolVersions.IsSupported(bodyVersion) || !ProtocolVersions.IsStateless(bodyVersion))
            {
                return Refuse(400, McpErrorCodes.UnsupportedProtocolVersion, "Unsupported protocol version", cors, message.Id, SupportedVersionsData(bodyVersion));
            }

            LoggingLevel? logLevel = null;
            if (meta!.Value.TryGetProperty(MetaKeys.LogLevel, out var level))
            {
                if (level.ValueKind != JsonValueKind.String || !LogLevels.TryParse(level.GetString(), out var parsed))
                {
                    return Refuse(400, McpErrorCodes.InvalidParams, $"Invalid params: '{MetaKeys.LogLevel}' must be a log level such as \"info\"", cors, message.Id);
                }

                logLevel = parsed;
            }

            return await RespondAsync(message, bodyVersion, logLevel, statusFor: code => code switch
            {
                McpErrorCodes.MethodNotFound => 404,
                McpErrorCodes.MissingRequiredClientCapability => 400,
                _ => 200,
            }).ConfigureAwait(false);
        }

        /// <summary>The stateless revision's header rules: version, method and (for named methods) name must match the body.</summary>
        private string? HeaderProblem(JsonRpcMessage message, string? methodHeader, string? headerVersion, string bodyVersion)
        {
            if (headerVersion is null)
            {
                return $"the {ProtocolVersionHeader} header is required";
            }

            if (headerVersion != bodyVersion)
            {
                return $"{ProtocolVersionHeader} header value '{headerVersion}' does not match body value '{bodyVersion}'";
            }

            if (methodHeader is null)
            {
                return "the Mcp-Method header is required";
            }

            if (HttpRules.DecodeHeaderValue(methodHeader) is not { } method || method != message.Method)
            {
                return $"Mcp-Method header value '{methodHeader.Trim()}' does not match body value '{message.Method}'";
            }

            var nameField = message.Method switch
            {
                "tools/call" or "prompts/get" => "name",
                "resources/read" => "uri",
                _ => null,
            };
            if (nameField is null)
            {
                return null;
            }

            var nameHeader = request.Header("Mcp-Name");
            if (nameHeader is null)
            {
                return $"the Mcp-Name header is required for {message.Method}";
            }

            var bodyName = message.Params.ValueKind == JsonValueKind.Object && message.Params.TryGetProperty(nameField, out var n) && n.ValueKind == JsonValueKind.String
                ? n.GetString()
                : null;
            var decoded = HttpRules.DecodeHeaderValue(nameHeader);
            return decoded is not null && decoded == bodyName
                ? null
                : $"Mcp-Name header value '{nameHeader.Trim()}' does not match body value '{bodyName}'";
        }

        public async Task<McpHttpResponse> BatchAsync(JsonElement root)
        {
            var headerVersion = request.Header(ProtocolVersionHeader)?.Trim();
            if (headerVersion is not null && headerVersion != ProtocolVersions.V20250326)
            {
                return Refuse(400, McpErrorCodes.InvalidRequest, "Invalid request: JSON-RPC batches exist only in protocol version 2025-03-26", cors);
            }

            var count = root.GetArrayLength();
            if (count == 0)
            {
                return Refuse(400, McpErrorCodes.InvalidRequest, "Invalid request: an empty batch", cors);
            }

            // Every item is answered, and an answer can be far larger than its request (tools/list): a bound on the
            // items bounds the work and the answer one cheap request can ask for.
            if (count > handler.Options.MaxBatchItems)
            {
                return Refuse(400, McpErrorCodes.InvalidRequest, $"Invalid request: a batch of {count} messages; the limit is {handler.Options.MaxBatchItems}", cors);
            }

            var replies = new List<byte[]>();
            foreach (var element in root.EnumerateArray())
            {
                JsonRpcMessage message;
                try
                {
                    message = JsonRpcMessage.Parse(element);
                }
                catch (McpException e)
                {
                    replies.Add(JsonRpcWriter.Error(JsonRpcMessage.TryGetId(element), e));
                    continue;
                }

                if (message.Method == "initialize")
                {
                    replies.Add(JsonRpcWriter.Error(message.Id, McpErrorCodes.InvalidRequest, "Invalid request: initialize must not be part of a batch"));
                    continue;
                }

                if (message.IsResponse)
                {
                    Server.ClientRequests.Complete(message);
                    continue;
                }

                var context = NewContext(ProtocolVersions.V20250326, message, Server.MinimumLogLevel, send: null);
                if (await Server.HandleAsync(message, context).ConfigureAwait(false) is { } reply)
                {
                    replies.Add(reply.Json);
                }
            }

            if (replies.Count == 0)
            {
                return Accepted();
            }

            // One buffer of the answer's exact size: the replies are already JSON.
            var body = new byte[replies.Sum(r => r.Length + 1) + 1];
            var at = 0;
            for (var i = 0; i < replies.Count; i++)
            {
                body[at++] = (byte)(i == 0 ? '[' : ',');
                replies[i].CopyTo(body, at);
                at += replies[i].Length;
            }

            body[at] = (byte)']';
            return McpHttpResponse.Json(200, body, cors);
        }

        /// <summary>
        /// Runs the request. The answer is plain JSON unless the work sends notifications (progress, logs) before it
        /// finishes and the client accepts SSE: then it becomes an event stream that carries them, then the result.
        /// </summary>
        private async Task<McpHttpResponse> RespondAsync(JsonRpcMessage message, string version, LoggingLevel? logLevel, Func<int, int> statusFor)
        {
            var events = accept.EventStream ? new EventQueue() : null;
            Func<byte[], ValueTask>? send = events is null ? null : bytes =>
            {
                events.Enqueue(bytes);
                return ValueTask.CompletedTask;
            };
            var context = NewContext(version, message, logLevel, send);
            var work = Server.HandleAsync(message, context).AsTask();

            if (events is not null && !work.IsCompleted)
            {
                var first = await Task.WhenAny(work, events.WaitAsync()).ConfigureAwait(false);
                if (first != work || events.HasItems)
                {
                    return EventStream(work, events);
                }
            }

            var reply = await work.ConfigureAwait(false);
            events?.Complete();
            if (reply is not { } r)
            {
                // Cancelled by the client: nobody is listening for an answer.
                return Accepted();
            }

            var status = r.ErrorCode is { } code ? statusFor(code) : 200;
            if (!accept.Json || (events is not null && events.HasItems))
            {
                return EventStream(work, events!, status);
            }

            return McpHttpResponse.Json(status, r.Json, cors);
        }

        /// <summary>The work behind the event stream this exchange answered with, if any; it may still be running.</summary>
        public Task? StreamingWork { get; private set; }

        private McpHttpResponse EventStream(Task<McpReply?> work, EventQueue events, int status = 200)
        {
            StreamingWork = work;
            return new()
            {
                StatusCode = status,
                Headers = [new("Content-Type", "text/event-stream"), new("Cache-Control", "no-cache"), new("X-Accel-Buffering", "no"), .. cors],
                EventStream = Events(work, events, request.Aborted),
            };
        }

        private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Events(Task<McpReply?> work, EventQueue events, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            _ = work.ContinueWith(_ => events.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await foreach (var notification in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return SseEvent(notification);
            }

            if (await work.ConfigureAwait(false) is { } reply)
            {
                yield return SseEvent(reply.Json);
            }
        }

        private static byte[] SseEvent(byte[] json)
        {
            var prefix = "event: message\ndata: "u8;
            var bytes = new byte[prefix.Length + json.Length + 2];
            prefix.CopyTo(bytes);
            json.CopyTo(bytes, prefix.Length);
            bytes[^2] = (byte)'\n';
            bytes[^1] = (byte)'\n';
            return bytes;
        }

        private McpRequestContext NewContext(string version, JsonRpcMessage message, LoggingLevel? logLevel, Func<byte[], ValueTask>? send) =>
            new(Server, version, Params.Meta(message.Params), logLevel, request.Services, send, request.Aborted) { RequestId = request.RequestId };

        private McpHttpResponse Accepted() => new() { StatusCode = 202, Headers = cors };

        private McpHttpResponse Mismatch(JsonRpcMessage message, string problem) =>
            Refuse(400, McpErrorCodes.HeaderMismatch, $"Header mismatch: {problem}", cors, message.Id);

        private McpHttpResponse UnsupportedHeaderVersion(JsonRpcMessage message, string version) =>
            Refuse(400, McpErrorCodes.InvalidRequest,
                $"Bad Request: unsupported {ProtocolVersionHeader} '{version}'; this server speaks {string.Join(", ", ProtocolVersions.All)}",
                cors, message.Id, SupportedVersionsData(version));
    }

    private static JsonElement SupportedVersionsData(string requested)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Pmcp.Json.JsonWriting.Options))
        {
            w.WriteStartObject();
            w.WriteStartArray("supported");
            foreach (var version in ProtocolVersions.All)
            {
                w.WriteStringValue(version);
            }

            w.WriteEndArray();
            w.WriteString("requested", requested);
            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
