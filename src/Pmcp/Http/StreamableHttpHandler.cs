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
    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    /// <summary>The server whose tools, resources and prompts answer the requests this handler admits.</summary>
    public McpServer Server { get; } = server;

    /// <summary>The endpoint's paths, limits and guards (API key, allowed hosts and origins); defaults when none were given.</summary>
    public StreamableHttpOptions Options { get; } = options ?? new StreamableHttpOptions();

    /// <summary>The sessions this endpoint issued; null when it is stateless (<see cref="StreamableHttpOptions.Sessions"/> unset).</summary>
    internal McpSessionStore? Sessions { get; } = options?.Sessions is { } sessions ? new McpSessionStore(sessions) : null;

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
    public Task<McpHttpResponse> HandleAsync(McpHttpRequest request) => HandleCoreAsync(request).AsTask();

    /// <summary><see cref="HandleAsync"/> for the hosts in this repository: no task for an answer ready at once (most are).</summary>
    internal ValueTask<McpHttpResponse> HandleCoreAsync(McpHttpRequest request)
    {
        // Only requests to the MCP endpoint are logged (not a preflight): with logging off, nothing more than this test.
        if ((Options.RequestLog ?? Server.RequestLog) is not { Level: not RequestLogLevel.Off } logging || request.Path != Options.McpPath || request.Method == "OPTIONS")
        {
            return HandleCoreAsync(request, null);
        }

        return LoggedAsync(request, new RequestLog(logging, request));
    }

    private async ValueTask<McpHttpResponse> LoggedAsync(McpHttpRequest request, RequestLog log)
    {
        var response = await HandleCoreAsync(request, log).ConfigureAwait(false);
        // The one end of the request's log: a line of its own only when no message wrote one, which reads no JSON.
        log.End(response);
        return response;
    }

    private async ValueTask<McpHttpResponse> HandleCoreAsync(McpHttpRequest request, RequestLog? log)
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
            return new McpHttpResponse { StatusCode = 204, Headers = [.. cors, .. (Sessions is null ? PreflightHeaders : SessionPreflightHeaders)] };
        }

        var sessionMethod = Sessions is not null && request.Method is "GET" or "DELETE";
        if (request.Method != "POST" && !sessionMethod)
        {
            return Sessions is null
                ? McpHttpResponse.Text(405, "Method Not Allowed: this stateless MCP endpoint takes POST only", [new("Allow", "POST, OPTIONS"), .. cors])
                : McpHttpResponse.Text(405, "Method Not Allowed: this MCP endpoint takes POST, GET and DELETE", [new("Allow", "GET, POST, DELETE, OPTIONS"), .. cors]);
        }

        if (Options.ApiKey is { } key && !HttpRules.BearerMatches(request.Header("Authorization"), key))
        {
            var challenge = request.Header("Authorization") is null ? "Bearer" : "Bearer error=\"invalid_token\"";
            return McpHttpResponse.Text(401, "Unauthorized: send Authorization: Bearer <API key>", [new("WWW-Authenticate", challenge), .. cors]);
        }

        // The authenticator decides on the headers alone, before the body is read (its keys may need a fetch: async).
        McpCaller? caller = null;
        if (Options.Authenticator is { } authenticator)
        {
            var outcome = await authenticator.AuthenticateAsync(request).ConfigureAwait(false);
            if (outcome.Caller is not { } admitted)
            {
                KeyValuePair<string, string>[] refusalHeaders = outcome.Challenge is { } challenge ? [new("WWW-Authenticate", challenge), .. cors] : cors;
                return McpHttpResponse.Text(outcome.StatusCode, outcome.Message ?? "Unauthorized", refusalHeaders);
            }

            caller = admitted;
        }

        if (sessionMethod)
        {
            return SessionRequest(request, caller, cors);
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

        // Only now, with path, method, Host, Origin and key checked, is the body read: a refused request costs no memory.
        ReadOnlyMemory<byte> body;
        try
        {
            body = await request.ReadBodyAsync().ConfigureAwait(false);
        }
        catch (BodyRefusedException e) when (e.StatusCode == 413)
        {
            return Refuse(413, McpErrorCodes.InvalidRequest, e.Message, cors);
        }

        if (body.Length > Options.MaxRequestBodyBytes)
        {
            return Refuse(413, McpErrorCodes.InvalidRequest, $"Payload Too Large: the limit is {Options.MaxRequestBodyBytes} bytes", cors);
        }

        if (!Utf8.IsValid(body.Span))
        {
            return Refuse(400, McpErrorCodes.ParseError, "Parse error: the body is not valid UTF-8", cors);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return Refuse(400, McpErrorCodes.ParseError, $"Parse error: {FirstLine(e.Message)}", cors);
        }

        if (HttpRules.EscapesLoneSurrogate(body.Span))
        {
            document.Dispose();
            return Refuse(400, McpErrorCodes.ParseError, "Parse error: a string escapes a lone UTF-16 surrogate (like \\ud800), which is not text", cors);
        }

        if (caller is not null && Options.Authenticator is { } scopes && ScopeRefusal(document.RootElement, caller, scopes, cors) is { } forbidden)
        {
            document.Dispose();
            return forbidden;
        }

        var replies = new ExchangeReplies(Server, request, accept, cors, caller) { Log = log, Sessions = Sessions };
        try
        {
            return await HandOffAsync(document.RootElement, request, replies).ConfigureAwait(false);
        }
        finally
        {
            // The work behind an event stream goes on after this returns and still reads the body's JSON (the id,
            // _meta, a tool's arguments), so the document's pooled memory is given back only when that work ends.
            if (replies.StreamingWork is { IsCompleted: false } work)
            {
                _ = work.ContinueWith(_ => document.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                document.Dispose();
            }
        }
    }

    /// <summary>
    /// Past the gate, the body is JSON; this picks the protocol family that answers it. A batch goes to the session
    /// revisions (only 2025-03-26 had batches). A single message is stateless (2026-07-28) when its <c>_meta</c> names a
    /// protocol version or the <c>MCP-Protocol-Version</c> header names the stateless revision; any other belongs to
    /// the session revisions, which also refuse a header naming a version they do not speak.
    /// </summary>
    private async ValueTask<McpHttpResponse> HandOffAsync(JsonElement root, McpHttpRequest request, ExchangeReplies replies)
    {
        var headerVersion = request.Header(HttpRules.ProtocolVersionHeader)?.Trim();
        if (replies.Log is { } log)
        {
            log.Version = headerVersion;
        }

        if (root.ValueKind == JsonValueKind.Array)
        {
            if (Sessions is not null && FindSession(request, replies, default) is { } batchRefusal)
            {
                return batchRefusal;
            }

            return await new SessionExchange(replies).AnswerBatchAsync(root, headerVersion ?? replies.Session?.Version, Options.MaxBatchItems).ConfigureAwait(false);
        }

        JsonRpcMessage message;
        try
        {
            message = JsonRpcMessage.Parse(root);
        }
        catch (McpException e)
        {
            return replies.Refuse(400, e.Code, e.Message, JsonRpcMessage.TryGetId(root));
        }

        var meta = Params.Meta(message.Params);
        var stateless = meta is { } m && m.TryGetProperty(MetaKeys.ProtocolVersion, out _)
            || (headerVersion is not null && ProtocolVersions.IsSupported(headerVersion) && ProtocolVersions.IsStateless(headerVersion));
        McpHttpResponse response;
        if (stateless)
        {
            response = await new StatelessExchange(replies).AnswerAsync(message, meta, headerVersion).ConfigureAwait(false);
        }
        else if (Sessions is null)
        {
            response = await new SessionExchange(replies).AnswerAsync(message, headerVersion).ConfigureAwait(false);
        }
        else if (message.Method == "initialize" && message.IsRequest)
        {
            response = await InitializeSessionAsync(message, headerVersion, replies, Sessions).ConfigureAwait(false);
        }
        else
        {
            response = FindSession(request, replies, message.Id)
                ?? await new SessionExchange(replies).AnswerAsync(message, headerVersion ?? replies.Session!.Version).ConfigureAwait(false);
        }

        // Accepted or refused without running: its line now, while its JSON is alive (one that ran has its own).
        replies.Log?.Answered(message, response);
        return response;
    }

    /// <summary>
    /// <c>initialize</c> with sessions on: a new session, bound to the caller, whose id the answer carries in
    /// <c>Mcp-Session-Id</c>; forgotten again when <c>initialize</c> failed.
    /// </summary>
    private static async ValueTask<McpHttpResponse> InitializeSessionAsync(JsonRpcMessage message, string? headerVersion, ExchangeReplies replies, McpSessionStore sessions)
    {
        if (sessions.Create(McpServer.NegotiatedVersion(message.Params), replies.Caller) is not { } session)
        {
            return replies.Refuse(503, McpErrorCodes.InternalError, "Service Unavailable: this server holds as many sessions as it may; try again later", message.Id);
        }

        replies.Session = session;
        var response = await new SessionExchange(replies).AnswerAsync(message, headerVersion).ConfigureAwait(false);
        if (response.StatusCode != 200)
        {
            sessions.Remove(session);
            return response;
        }

        return response.With(new(SessionIdHeader, session.Id));
    }

    /// <summary>
    /// Finds the session a message of a revision with <c>initialize</c> names in <c>Mcp-Session-Id</c>, for
    /// <paramref name="replies"/>; answers the refusal when there is none: 400 without the header, 404 for an id
    /// that is unknown, expired, ended or someone else's (the spec's answer, which tells the client to initialize again).
    /// </summary>
    private McpHttpResponse? FindSession(McpHttpRequest request, ExchangeReplies replies, JsonElement id)
    {
        if (request.Header(SessionIdHeader) is not { Length: > 0 } sessionId)
        {
            return replies.Refuse(400, McpErrorCodes.InvalidRequest, $"Bad Request: this server keeps sessions; send the {SessionIdHeader} header that initialize's answer carried", id);
        }

        if (Sessions!.Find(sessionId, replies.Caller) is not { } session)
        {
            return replies.Refuse(404, McpErrorCodes.InvalidRequest, "Not Found: no such session (unknown, expired or ended); send initialize to start a new one", id);
        }

        replies.Session = session;
        return null;
    }

    /// <summary>
    /// <c>GET</c> (the session's standing event stream, resumed after <c>Last-Event-ID</c> when sent) and <c>DELETE</c>
    /// (ends the session) with sessions on.
    /// </summary>
    private McpHttpResponse SessionRequest(McpHttpRequest request, McpCaller? caller, KeyValuePair<string, string>[] cors)
    {
        if (request.Header(SessionIdHeader) is not { Length: > 0 } sessionId)
        {
            return Refuse(400, McpErrorCodes.InvalidRequest, $"Bad Request: send the {SessionIdHeader} header that initialize's answer carried", cors);
        }

        if (Sessions!.Find(sessionId, caller) is not { } session)
        {
            return Refuse(404, McpErrorCodes.InvalidRequest, "Not Found: no such session (unknown, expired or ended); send initialize to start a new one", cors);
        }

        if (request.Method == "DELETE")
        {
            Sessions.Remove(session);
            return new McpHttpResponse { StatusCode = 204, Headers = cors };
        }

        if (!HttpRules.ParseAccept(request.Header("Accept")).EventStream)
        {
            return Refuse(406, McpErrorCodes.InvalidRequest, "Not Acceptable: the session's stream is text/event-stream; accept it", cors);
        }

        long? lastEventId = null;
        if (request.Header("Last-Event-ID") is { } last)
        {
            if (!long.TryParse(last.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return Refuse(400, McpErrorCodes.InvalidRequest, "Bad Request: Last-Event-ID must be the id of an event this session's stream sent (a non-negative integer)", cors);
            }

            lastEventId = parsed;
        }

        return new McpHttpResponse
        {
            StatusCode = 200,
            Headers = [new("Content-Type", "text/event-stream"), new("Cache-Control", "no-cache"), new("X-Accel-Buffering", "no"), .. cors],
            EventStream = session.StreamAsync(lastEventId, request.Aborted),
        };
    }

    /// <summary>The header that carries a session's id (MCP 2025-03-26 and later).</summary>
    internal const string SessionIdHeader = "Mcp-Session-Id";

    /// <summary>
    /// 403 with an <c>insufficient_scope</c> challenge when the message (or any message of a batch) is a
    /// <c>tools/call</c> of a tool whose required scopes the caller lacks; null when every call is allowed. The
    /// challenge names the caller's scopes and the missing ones, so that stepping up loses nothing already granted.
    /// </summary>
    private McpHttpResponse? ScopeRefusal(JsonElement root, McpCaller caller, IMcpAuthenticator authenticator, KeyValuePair<string, string>[] cors)
    {
        List<string>? missing = null;
        JsonElement id = default;
        if (root.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in root.EnumerateArray())
            {
                AddMissing(item, ref missing);
            }
        }
        else
        {
            AddMissing(root, ref missing);
            if (missing is not null && root.TryGetProperty("id", out var messageId) && messageId.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                id = messageId;
            }
        }

        if (missing is null)
        {
            return null;
        }

        var ask = caller.Scopes.Order(StringComparer.Ordinal).Concat(missing).Distinct(StringComparer.Ordinal).ToArray();
        var challenge = authenticator.InsufficientScopeChallenge(ask);
        return McpHttpResponse.JsonRpcError(
            403, McpErrorCodes.InvalidRequest, $"Forbidden: insufficient scope; this call needs {string.Join(' ', missing)}",
            [new("WWW-Authenticate", challenge), .. cors], id);

        void AddMissing(JsonElement message, ref List<string>? missing)
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || !method.ValueEquals("tools/call"u8)
                || !message.TryGetProperty("params", out var @params) || @params.ValueKind != JsonValueKind.Object
                || !@params.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || Server.FindTool(name.GetString()!) is not { } tool)
            {
                return;
            }

            foreach (var scope in tool.RequiredScopes)
            {
                if (!caller.HasScope(scope))
                {
                    (missing ??= []).Add(scope);
                }
            }
        }
    }

    private static readonly KeyValuePair<string, string>[] PreflightHeaders =
    [
        new("Access-Control-Allow-Methods", "POST, OPTIONS"),
        new("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id, Last-Event-ID"),
        new("Access-Control-Max-Age", "86400"),
    ];

    private static readonly KeyValuePair<string, string>[] SessionPreflightHeaders =
        [new("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"), .. PreflightHeaders[1..]];

    private static KeyValuePair<string, string>[] CorsHeaders(string? origin) => origin is null
        ? NoHeaders
        : [new("Access-Control-Allow-Origin", origin), new("Access-Control-Expose-Headers", "MCP-Protocol-Version, Mcp-Session-Id, WWW-Authenticate"), new("Vary", "Origin")];

    private static McpHttpResponse Refuse(int status, int code, string message, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        McpHttpResponse.JsonRpcError(status, code, message, headers ?? NoHeaders);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
