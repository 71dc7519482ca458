using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>
/// An MCP server: an immutable set of tools, resources and prompts that answers JSON-RPC requests.
/// It knows nothing of HTTP; <see cref="Http.StreamableHttpHandler"/> puts it on the wire.
/// </summary>
public sealed partial class McpServer
{
    private readonly Dictionary<string, ToolRegistration> _toolsByName;
    private readonly Dictionary<string, ResourceRegistration> _resourcesByUri;
    private readonly Dictionary<string, PromptRegistration> _promptsByName;
    private readonly Func<CompletionRequest, McpRequestContext, ValueTask<Completion>>? _completion;
    private readonly int _pageSize;
    private readonly bool _toolErrorDetails;

    internal McpServer(
        Implementation info,
        string? instructions,
        IReadOnlyList<ToolRegistration> tools,
        IReadOnlyList<ResourceRegistration> resources,
        IReadOnlyList<ResourceTemplateRegistration> templates,
        IReadOnlyList<PromptRegistration> prompts,
        Func<CompletionRequest, McpRequestContext, ValueTask<Completion>>? completion,
        int pageSize,
        LoggingLevel minimumLogLevel,
        bool toolErrorDetails = false,
        Action<HandlerFailure>? failureLog = null)
    {
        _toolErrorDetails = toolErrorDetails;
        _failureLog = failureLog;
        _serverInfoMeta = new Lazy<JsonElement>(() => MetaWithServerInfo(null));
        Info = info;
        Instructions = instructions;
        Tools = tools;
        Resources = resources;
        ResourceTemplates = templates;
        Prompts = prompts;
        _completion = completion;
        _pageSize = pageSize;
        MinimumLogLevel = minimumLogLevel;
        _toolsByName = tools.ToDictionary(t => t.Tool.Name, StringComparer.Ordinal);
        _resourcesByUri = resources.ToDictionary(r => r.Resource.Uri, StringComparer.Ordinal);
        _promptsByName = prompts.ToDictionary(p => p.Prompt.Name, StringComparer.Ordinal);
        Capabilities = new ServerCapabilities
        {
            Tools = tools.Count > 0 ? new ListChangedCapability(false) : null,
            Resources = resources.Count + templates.Count > 0 ? new ResourcesCapability(false, false) : null,
            Prompts = prompts.Count > 0 ? new ListChangedCapability(false) : null,
            Logging = EmptyObject.Instance,
            Completions = completion is not null ? EmptyObject.Instance : null,
        };
    }

    /// <summary>Starts describing a server.</summary>
    public static McpServerBuilder CreateBuilder(string name, string version) => new(name, version);

    /// <summary>The server's name, version and title, sent to clients in the <c>initialize</c> result (<c>serverInfo</c>).</summary>
    public Implementation Info { get; }

    /// <summary>The text given by <see cref="McpServerBuilder.WithInstructions"/>, sent in the <c>initialize</c> result; null when none.</summary>
    public string? Instructions { get; }

    /// <summary>
    /// What this server offers, derived from its registrations: tools, resources, prompts and completions only when it has
    /// them; logging always.
    /// </summary>
    public ServerCapabilities Capabilities { get; }

    /// <summary>The tools, in the order they were added; <c>tools/list</c> pages through them.</summary>
    public IReadOnlyList<ToolRegistration> Tools { get; }

    /// <summary>The resources with fixed URIs, in the order they were added.</summary>
    public IReadOnlyList<ResourceRegistration> Resources { get; }

    /// <summary>The resources named by URI templates, tried for any URI that is not one of <see cref="Resources"/>.</summary>
    public IReadOnlyList<ResourceTemplateRegistration> ResourceTemplates { get; }

    /// <summary>The prompts, in the order they were added.</summary>
    public IReadOnlyList<PromptRegistration> Prompts { get; }

    /// <summary>
    /// The least severe <c>notifications/message</c> sent when the request does not choose a level itself
    /// (set by <see cref="McpServerBuilder.WithMinimumLogLevel"/>; <see cref="LoggingLevel.Debug"/> by default).
    /// </summary>
    public LoggingLevel MinimumLogLevel { get; }

    /// <summary>Answers one request: its result, to be written once by <see cref="JsonRpcWriter.Result"/>.</summary>
    internal ValueTask<ResultReply> DispatchAsync(string method, JsonElement @params, McpRequestContext context) => method switch
    {
        "initialize" => Initialize(@params, context),
        "ping" => Empty(),
        "tools/list" => List(Tools, @params, (page, next) => new ListToolsResult([.. page.Select(t => t.Tool)]) { NextCursor = next }, PmcpJsonContext.Default.ListToolsResult),
        "tools/call" => CallToolAsync(@params, context),
        "resources/list" => List(Resources, @params, (page, next) => new ListResourcesResult([.. page.Select(r => r.Resource)]) { NextCursor = next }, PmcpJsonContext.Default.ListResourcesResult),
        "resources/templates/list" => List(ResourceTemplates, @params, (page, next) => new ListResourceTemplatesResult([.. page.Select(r => r.Template)]) { NextCursor = next }, PmcpJsonContext.Default.ListResourceTemplatesResult),
        "resources/read" => ReadResourceAsync(@params, context),
        "prompts/list" => List(Prompts, @params, (page, next) => new ListPromptsResult([.. page.Select(p => p.Prompt)]) { NextCursor = next }, PmcpJsonContext.Default.ListPromptsResult),
        "prompts/get" => GetPromptAsync(@params, context),
        "completion/complete" => CompleteAsync(@params, context),
        "logging/setLevel" => SetLevel(@params),
        "server/discover" => Discover(),
        "resources/subscribe" or "resources/unsubscribe" => Subscription(method, @params, context),
        _ => throw McpException.MethodNotFound(method),
    };

    private static ValueTask<ResultReply> Reply<T>(T value, JsonTypeInfo<T> info)
        where T : Result => ValueTask.FromResult(ResultReply.Of(value, info));

    private static ValueTask<ResultReply> Empty() => Reply(EmptyResult.Instance, PmcpJsonContext.Default.EmptyResult);

    private ValueTask<ResultReply> Initialize(JsonElement @params, McpRequestContext context)
    {
        var version = NegotiatedVersion(@params);
        var capabilities = context.Session is not null ? SessionCapabilities : Capabilities;
        return Reply(new InitializeResult(version, capabilities, Info) { Instructions = Instructions }, PmcpJsonContext.Default.InitializeResult);
    }

    /// <summary>The revision <c>initialize</c> answers with: the client's when this server speaks it, else the latest with <c>initialize</c>.</summary>
    internal static string NegotiatedVersion(JsonElement @params)
    {
        var requested = Params.OptionalString(@params, "protocolVersion");
        return requested is not null && ProtocolVersions.IsSupported(requested) && !ProtocolVersions.IsStateless(requested)
            ? requested
            : ProtocolVersions.LatestWithInitialize;
    }

    /// <summary>
    /// What a session's <c>initialize</c> advertises: <see cref="Capabilities"/>, with <c>resources.subscribe</c> when the
    /// server has resources (a session has a standing stream to deliver <c>resources/updated</c> on).
    /// </summary>
    private ServerCapabilities SessionCapabilities => _sessionCapabilities ??= Capabilities.Resources is { } resources
        ? Capabilities with { Resources = resources with { Subscribe = true } }
        : Capabilities;

    private ServerCapabilities? _sessionCapabilities;

    /// <summary>
    /// <c>resources/subscribe</c> and <c>resources/unsubscribe</c>: only in a session, which has somewhere to send the
    /// updates; without one they are unknown methods (-32601), and <c>resources.subscribe</c> is not advertised.
    /// </summary>
    private ValueTask<ResultReply> Subscription(string method, JsonElement @params, McpRequestContext context)
    {
        if (context.Session is not { } session || Capabilities.Resources is null)
        {
            throw McpException.MethodNotFound(method);
        }

        var uri = Params.RequiredString(@params, "uri");
        if (method == "resources/unsubscribe")
        {
            session.Unsubscribe(uri);
        }
        else if (!session.Subscribe(uri))
        {
            throw McpException.InvalidParams("Invalid params: this session holds as many subscriptions as it may; unsubscribe from one first");
        }

        return Empty();
    }

    private ValueTask<ResultReply> Discover() =>
        Reply(new DiscoverResult(ProtocolVersions.All, Capabilities) { Instructions = Instructions }, PmcpJsonContext.Default.DiscoverResult);

    private static ValueTask<ResultReply> SetLevel(JsonElement @params)
    {
        var level = Params.RequiredString(@params, "level");
        if (!LogLevels.TryParse(level, out _))
        {
            throw McpException.InvalidParams($"Invalid params: 'level' must be one of debug, info, notice, warning, error, critical, alert, emergency; got '{level}'");
        }

        return Empty();
    }

    private async ValueTask<ResultReply> CallToolAsync(JsonElement @params, McpRequestContext context)
    {
        var name = Params.RequiredString(@params, "name");
        if (!_toolsByName.TryGetValue(name, out var tool))
        {
            throw McpException.InvalidParams($"Unknown tool: '{name}'");
        }

        if (context.Caller is { } caller && MissingScopes(tool, caller))
        {
            // The HTTP gate answers this with 403 and a challenge before the body reaches here; this holds any other path to it.
            throw new McpException(McpErrorCodes.InvalidRequest, $"Forbidden: tool '{name}' needs the scope(s) {string.Join(' ', tool.RequiredScopes)}");
        }

        var arguments = Params.OptionalObject(@params, "arguments") ?? EmptyArguments;
        CallToolResult result;
        try
        {
            result = await tool.Handler(arguments, context).ConfigureAwait(false);
        }
        catch (ToolInputException e) when (ProtocolVersions.IsAtLeast(context.ProtocolVersion, ProtocolVersions.V20251125))
        {
            // From 2025-11-25 on, input that fails the schema is a tool execution error, so the model can correct itself.
            result = CallToolResult.Error(e.Message);
        }
        catch (Exception e) when (e is McpException or Input.InputRequiredException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // The whole exception stays on the server; the client gets its message only when the server opted in
            // (WithToolErrorDetails), since messages carry paths, SQL and other internals. A tool that means its words
            // for the client throws McpException or returns CallToolResult.Error.
            ReportFailure(new HandlerFailure("tools/call", name, context.RequestId, e, LogExceptionMessages));
            result = CallToolResult.Error(_toolErrorDetails ? $"Tool '{name}' failed: {e.Message}" : HiddenToolError(name));
        }

        return ResultReply.Of(result, PmcpJsonContext.Default.CallToolResult);
    }

    /// <summary>The registration of the tool named <paramref name="name"/>, or null when there is none.</summary>
    internal ToolRegistration? FindTool(string name) => _toolsByName.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="caller"/> lacks any scope <paramref name="tool"/> requires.</summary>
    internal static bool MissingScopes(ToolRegistration tool, McpCaller caller)
    {
        foreach (var scope in tool.RequiredScopes)
        {
            if (!caller.HasScope(scope))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the client reads when a tool throws and its message is hidden (the official C# SDK's wording).</summary>
    internal static string HiddenToolError(string name) => $"An error occurred invoking '{name}'.";

    /// <summary>The longest URI <c>resources/read</c> accepts: Cloudflare's own limit on a URL (16 KB).</summary>
    public const int MaxResourceUriLength = 16 * 1024;

    private async ValueTask<ResultReply> ReadResourceAsync(JsonElement @params, McpRequestContext context)
    {
        var uri = Params.RequiredString(@params, "uri");
        if (uri.Length > MaxResourceUriLength)
        {
            throw McpException.InvalidParams($"The resource URI is {uri.Length} characters long; the limit is {MaxResourceUriLength}.");
        }

        ReadResourceResult result;
        if (_resourcesByUri.TryGetValue(uri, out var resource))
        {
            result = await resource.Read(context).ConfigureAwait(false);
        }
        else if (FindTemplate(uri) is ({ } template, { } variables))
        {
            result = await template.Read(new ResourceRequest(uri, variables), context).ConfigureAwait(false);
        }
        else
        {
            throw ResourceNotFound(uri, context);
        }

        return ResultReply.Of(result, PmcpJsonContext.Default.ReadResourceResult);
    }

    /// <summary>The error for an unknown resource URI, with the URI in <c>data</c>: -32002, or -32602 from 2026-07-28 on.</summary>
    public static McpException ResourceNotFound(string uri, McpRequestContext context) =>
        new(context.IsStateless ? McpErrorCodes.InvalidParams : McpErrorCodes.ResourceNotFound, $"Resource not found: {uri}", UriData(uri));

    private (ResourceTemplateRegistration?, IReadOnlyDictionary<string, string>?) FindTemplate(string uri)
    {
        foreach (var template in ResourceTemplates)
        {
            if (template.Matcher.TryMatch(uri, out var variables))
            {
                return (template, variables);
            }
        }

        return (null, null);
    }

    private async ValueTask<ResultReply> GetPromptAsync(JsonElement @params, McpRequestContext context)
    {
        var name = Params.RequiredString(@params, "name");
        if (!_promptsByName.TryGetValue(name, out var prompt))
        {
            throw McpException.InvalidParams($"Unknown prompt: '{name}'");
        }

        var arguments = Params.StringMap(@params, "arguments");
        foreach (var argument in prompt.Prompt.Arguments ?? [])
        {
            if (argument.Required == true && !arguments.ContainsKey(argument.Name))
            {
                throw McpException.InvalidParams($"Prompt '{name}' needs argument '{argument.Name}'");
            }
        }

        var result = await prompt.Get(arguments, context).ConfigureAwait(false);
        return ResultReply.Of(result, PmcpJsonContext.Default.GetPromptResult);
    }

    private async ValueTask<ResultReply> CompleteAsync(JsonElement @params, McpRequestContext context)
    {
        if (_completion is null)
        {
            throw McpException.MethodNotFound("completion/complete");
        }

        var reference = Params.RequiredObject(@params, "ref");
        var type = Params.RequiredString(reference, "type", "ref.type");
        var key = type switch
        {
            CompletionReference.PromptType => Params.RequiredString(reference, "name", "ref.name"),
            CompletionReference.ResourceType => Params.RequiredString(reference, "uri", "ref.uri"),
            _ => throw McpException.InvalidParams($"Invalid params: 'ref.type' must be '{CompletionReference.PromptType}' or '{CompletionReference.ResourceType}'"),
        };
        if (type == CompletionReference.PromptType && !_promptsByName.ContainsKey(key))
        {
            throw McpException.InvalidParams($"Unknown prompt: '{key}'");
        }

        var argument = Params.RequiredObject(@params, "argument");
        var request = new CompletionRequest(
            new CompletionReference(type, key),
            Params.RequiredString(argument, "name", "argument.name"),
            Params.RequiredString(argument, "value", "argument.value"),
            Params.OptionalObject(@params, "context") is { } ctx ? Params.StringMap(ctx, "arguments") : new Dictionary<string, string>());
        var completion = await _completion(request, context).ConfigureAwait(false);
        if (completion.Values.Count > 100)
        {
            completion = new Completion([.. completion.Values.Take(100)]) { Total = completion.Total ?? completion.Values.Count, HasMore = true };
        }

        var result = new CompleteResult(completion);
        return ResultReply.Of(result, PmcpJsonContext.Default.CompleteResult);
    }

    private ValueTask<ResultReply> List<TItem, TResult>(
        IReadOnlyList<TItem> items, JsonElement @params, Func<IEnumerable<TItem>, string?, TResult> result, JsonTypeInfo<TResult> info)
        where TResult : Result
    {
        var start = Cursor.Decode(Params.OptionalString(@params, "cursor"), items.Count);
        var end = Math.Min(items.Count, start + _pageSize);
        var next = end < items.Count ? Cursor.Encode(end) : null;
        return Reply(result(items.Skip(start).Take(end - start), next), info);
    }

    private static readonly JsonElement EmptyArguments = JsonDocument.Parse("{}").RootElement;

    private static JsonElement UriData(string uri)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Json.JsonWriting.Options))
        {
            w.WriteStartObject();
            w.WriteString("uri", uri);
            w.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement;
    }
}
