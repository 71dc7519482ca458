using System.Buffers;
using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server.Input;

namespace Pmcp.Server;

/// <summary>
/// What a handler knows about the request it serves: the negotiated revision, the request's <c>_meta</c>,
/// cancellation, host services, and a way to send progress and log notifications while it works
/// (delivered over SSE when the client accepts it, dropped otherwise).
/// </summary>
public sealed class McpRequestContext
{
    /// <summary>Where notifications go (the exchange's event stream); null when they have nowhere to go.</summary>
    private readonly IMessageSink? _send;

    internal McpRequestContext(
        McpServer server,
        string protocolVersion,
        JsonElement? meta,
        LoggingLevel? logLevel,
        IServiceProvider? services,
        IMessageSink? send,
        CancellationToken cancellationToken)
    {
        Server = server;
        ProtocolVersion = protocolVersion;
        Meta = meta;
        LogLevel = logLevel;
        Services = services;
        _send = send;
        CancellationToken = cancellationToken;
    }

    /// <summary>
    /// The id the host's logs give the HTTP request that carried this message (on Workers the <c>cf-ray</c>, or the
    /// host's own number under <c>dev</c>; natively ASP.NET Core's trace identifier); null when the host gave none.
    /// </summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Who is calling, as the endpoint's authenticator (<see cref="Http.StreamableHttpOptions.Authenticator"/>)
    /// established it: subject, scopes, claims. Null when the endpoint authenticates no one (no authentication, or an
    /// API key, which names no caller).
    /// </summary>
    public McpCaller? Caller { get; init; }

    /// <summary>The least severe level sent as <c>notifications/message</c>; null sends none.</summary>
    internal LoggingLevel? LogLevel { get; }

    /// <summary>True for the stateless revisions (2026-07-28 on): per-request <c>_meta</c>, no session.</summary>
    public bool IsStateless => ProtocolVersions.IsStateless(ProtocolVersion);

    /// <summary>The server answering this request, for handlers that need its description or other registrations.</summary>
    public McpServer Server { get; }

    /// <summary>The MCP revision this request is spoken in.</summary>
    public string ProtocolVersion { get; }

    /// <summary>The request's <c>params._meta</c>, when it has one.</summary>
    public JsonElement? Meta { get; }

    /// <summary>Services of the host (on Workers: the <c>Env</c>); null when the host offers none.</summary>
    public IServiceProvider? Services { get; }

    /// <summary>
    /// The host's <typeparamref name="T"/> for this request: how a tool method's <see cref="IRequestService"/> parameter
    /// is filled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The host serving this request offers none.</exception>
    public T GetService<T>() where T : class, IRequestService =>
        Services?.GetService(typeof(T)) as T
        ?? throw new InvalidOperationException(
            $"This host offers no {typeof(T).Name} to handlers: serve the server from a host that provides it (for a Worker's Env: dotnet pmcp dev, in workerd or --native), or pass it through McpHttpRequest.Services.");

    /// <summary>Cancelled when the client goes away before the answer is sent; pass it on to the I/O the handler does.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The client's progress token (<c>_meta.progressToken</c>), when it asked for progress.</summary>
    public JsonElement? ProgressToken =>
        Meta is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("progressToken", out var t)
        && t.ValueKind is JsonValueKind.String or JsonValueKind.Number ? t : null;

    /// <summary>True when notifications sent now reach the client.</summary>
    public bool CanNotify => _send is not null;

    /// <summary>Sends <c>notifications/progress</c> if the client asked for progress; otherwise does nothing.</summary>
    public ValueTask ReportProgressAsync(double progress, double? total = null, string? message = null)
    {
        if (_send is null || ProgressToken is not { } token)
        {
            return ValueTask.CompletedTask;
        }

        return _send.SendAsync(JsonRpcWriter.Progress(token, progress, total, message));
    }

    /// <summary>Sends <c>notifications/message</c> at or above the server's minimum log level.</summary>
    public ValueTask LogAsync(LoggingLevel level, string message, string? logger = null)
    {
        if (_send is null || LogLevel is not { } minimum || level < minimum)
        {
            return ValueTask.CompletedTask;
        }

        return _send.SendAsync(JsonRpcWriter.Log(level, message, logger));
    }

    /// <summary>The session this message belongs to (sessions on, a revision with <c>initialize</c>); null otherwise.</summary>
    internal Http.McpSession? Session { get; init; }

    /// <summary>The endpoint's sessions when it keeps them, whichever revision this message is in; null when stateless.</summary>
    internal Http.McpSessionStore? Sessions { get; init; }

    /// <summary>
    /// Tells every session subscribed to <paramref name="uri"/> (<c>resources/subscribe</c>) that the resource changed:
    /// <c>notifications/resources/updated</c> goes out on each one's standing <c>GET</c> stream, or waits there for the
    /// client to reconnect. Without sessions (the default) nobody can subscribe and this does nothing.
    /// </summary>
    /// <param name="uri">The resource's URI, as clients subscribed to it.</param>
    /// <returns>How many sessions were told.</returns>
    public ValueTask<int> NotifyResourceUpdatedAsync(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return ValueTask.FromResult(Sessions?.NotifyResourceUpdated(uri) ?? 0);
    }

    /// <summary>Sends any server notification (for example <c>notifications/resources/updated</c>).</summary>
    public ValueTask NotifyAsync(string method, JsonElement @params) =>
        _send is null ? ValueTask.CompletedTask : _send.SendAsync(JsonRpcWriter.Notification(method, @params));

    /// <summary>The round of input this request is in, for the methods whose results may be input-required (stateless revision).</summary>
    internal InputRound? Input { get; set; }

    /// <summary>
    /// True when this request is a client's retry that carried back a request state the server signed and has verified
    /// (stateless revision): the answers of earlier rounds come from it.
    /// </summary>
    public bool IsResumed => Input?.Resumed == true;

    /// <summary>
    /// Whether the client declared <paramref name="capability"/> (<c>elicitation</c>, <c>sampling</c>, <c>roots</c>, …)
    /// in this request's <c>_meta</c> (stateless revision); null for earlier revisions, where it was declared at
    /// <c>initialize</c> and a stateless server does not keep it.
    /// </summary>
    public bool? ClientSupports(string capability) =>
        !IsStateless ? null
        : Meta is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty(MetaKeys.ClientCapabilities, out var capabilities)
          && capabilities.ValueKind == JsonValueKind.Object && capabilities.TryGetProperty(capability, out _);

    /// <summary>
    /// Asks the user for input (<c>elicitation/create</c>) and returns the client's result (<c>action</c>, <c>content</c>).
    /// See <see cref="RequestInputAsync(IReadOnlyDictionary{string, InputRequest})"/> for how it works in each revision.
    /// </summary>
    /// <param name="key">This question's key, the same on every run of the handler.</param>
    /// <param name="message">What to ask.</param>
    /// <param name="requestedSchema">The JSON Schema of the answer (an object of primitive properties).</param>
    public async ValueTask<JsonElement> ElicitAsync(string key, string message, JsonElement requestedSchema)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Json.JsonWriting.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("message", message);
            writer.WritePropertyName("requestedSchema");
            requestedSchema.WriteTo(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return await RequestInputAsync(key, new InputRequest(InputRequest.Elicitation, document.RootElement.Clone())).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the client's model for a completion (<c>sampling/createMessage</c> with <paramref name="request"/> as params)
    /// and returns the client's result. See <see cref="RequestInputAsync(IReadOnlyDictionary{string, InputRequest})"/>.
    /// </summary>
    public ValueTask<JsonElement> SampleAsync(string key, JsonElement request) =>
        RequestInputAsync(key, new InputRequest(InputRequest.Sampling, request));

    /// <summary>Asks the client for its roots (<c>roots/list</c>) and returns its result (<c>roots</c>). See <see cref="RequestInputAsync(IReadOnlyDictionary{string, InputRequest})"/>.</summary>
    public ValueTask<JsonElement> RequestRootsAsync(string key) =>
        RequestInputAsync(key, new InputRequest(InputRequest.Roots, EmptyParams));

    /// <summary>Asks the client one thing; see <see cref="RequestInputAsync(IReadOnlyDictionary{string, InputRequest})"/>.</summary>
    public async ValueTask<JsonElement> RequestInputAsync(string key, InputRequest request) =>
        (await RequestInputAsync(new Dictionary<string, InputRequest> { [key] = request }).ConfigureAwait(false))[key];

    /// <summary>
    /// Asks the client for everything in <paramref name="requests"/> at once and returns its results by the same keys.
    /// In the stateless revision (2026-07-28) no request is sent: when an answer is missing, the server answers the call
    /// with an input-required result and a signed request state, the client retries with the answers, and the handler runs
    /// again from the top, this time getting them, so everything a handler does before asking must be safe to repeat. In
    /// earlier revisions each is sent to the client on this request's stream and awaited (<see cref="RequestAsync"/>).
    /// </summary>
    /// <exception cref="McpException">-32021 when the client did not declare a capability a request needs.</exception>
    public async ValueTask<IReadOnlyDictionary<string, JsonElement>> RequestInputAsync(IReadOnlyDictionary<string, InputRequest> requests)
    {
        var answers = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (!IsStateless)
        {
            foreach (var (key, request) in requests)
            {
                answers[key] = await RequestAsync(request.Method, request.Params).ConfigureAwait(false);
            }

            return answers;
        }

        if (Input is not { } round)
        {
            throw new McpException(McpErrorCodes.InternalError,
                "Input can be requested only while answering tools/call, prompts/get or resources/read.");
        }

        Dictionary<string, InputRequest>? missing = null;
        foreach (var (key, request) in requests)
        {
            if (round.TryAnswer(key, out var answer))
            {
                answers[key] = answer;
            }
            else
            {
                (missing ??= new(StringComparer.Ordinal))[key] = request;
            }
        }

        if (missing is null)
        {
            return answers;
        }

        foreach (var request in missing.Values)
        {
            if (request.RequiredCapability is { } capability && ClientSupports(capability) == false)
            {
                throw MissingCapability(capability, request.Method);
            }
        }

        throw new InputRequiredException(missing);
    }

    /// <summary>-32021 naming the capability in <c>data.requiredCapabilities</c>, as the 2026-07-28 revision defines it.</summary>
    private static McpException MissingCapability(string capability, string method)
    {
        using var document = JsonDocument.Parse("{\"requiredCapabilities\":{\"" + capability + "\":{}}}");
        return new McpException(McpErrorCodes.MissingRequiredClientCapability,
            $"Missing required client capability: this request needs '{capability}' ({method}); declare it in _meta['{MetaKeys.ClientCapabilities}'].",
            document.RootElement.Clone());
    }

    private static readonly JsonElement EmptyParams = JsonDocument.Parse("{}").RootElement;

    /// <summary>
    /// Sends a request to the client (such as <c>sampling/createMessage</c> or <c>elicitation/create</c>) on this
    /// request's SSE stream and waits for its answer, which the client POSTs back. The answer must reach this
    /// process: it works on one native host or one isolate, not across a fleet. The stateless revision forbids it.
    /// </summary>
    public async Task<JsonElement> RequestAsync(string method, JsonElement @params, TimeSpan? timeout = null)
    {
        if (IsStateless)
        {
            throw new McpException(McpErrorCodes.MissingRequiredClientCapability,
                $"Servers must not send requests ({method}) in protocol version {ProtocolVersion}.");
        }

        if (_send is null)
        {
            throw new McpException(McpErrorCodes.InternalError,
                $"Cannot send {method}: the client did not accept an event stream for this request.");
        }

        using var pending = Server.ClientRequests.Register();
        await _send.SendAsync(JsonRpcWriter.Request(pending.Id, method, @params)).ConfigureAwait(false);
        return await pending.Response.WaitAsync(timeout ?? TimeSpan.FromMinutes(5), CancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Takes the messages a handler sends before its result. The exchange itself is the sink, so a request costs no
/// delegate, and its event queue is made only when a message is actually sent.
/// </summary>
internal interface IMessageSink
{
    ValueTask SendAsync(byte[] message);
}
