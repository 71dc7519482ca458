using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pmcp.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>
/// Describes a server: its name, its tools, resources and prompts. Build once, serve many requests.
/// </summary>
/// <example>
/// <code>
/// var server = McpServer.CreateBuilder("hello-world", "1.0.0")
///     .WithJsonContext(HelloJsonContext.Default)
///     .Tool&lt;EchoInput, string&gt;("echo", "Echo a message", input =&gt; input.Message)
///     .WithTools&lt;NoteTools&gt;() // the [McpTool] methods of a [McpToolSet] class
///     .Build();
/// </code>
/// </example>
public sealed class McpServerBuilder
{
    private readonly List<IJsonTypeInfoResolver> _resolvers = [];
    private readonly List<Func<JsonSerializerOptions, ToolRegistration>> _tools = [];
    private readonly List<ResourceRegistration> _resources = [];
    private readonly List<ResourceTemplateRegistration> _templates = [];
    private readonly List<PromptRegistration> _prompts = [];
    private Func<CompletionRequest, McpRequestContext, ValueTask<Completion>>? _completion;
    private string? _instructions;
    private int _pageSize = 100;
    private LoggingLevel _minimumLogLevel = LoggingLevel.Debug;
    private bool _toolErrorDetails;
    private Action<HandlerFailure>? _failureLog;
    private Input.RequestStateSigner? _requestStates;

    /// <summary>How long a client has to answer an input-required result unless the builder says otherwise: 15 minutes.</summary>
    public static readonly TimeSpan DefaultInputLifetime = TimeSpan.FromMinutes(15);
    private Http.RequestLogOptions? _requestLog;

    internal McpServerBuilder(string name, string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        Info = new Implementation(name, version);
    }

    private Implementation Info { get; set; }

    /// <summary>Sets the human-readable name clients may show instead of the server's programmatic name.</summary>
    /// <param name="title">The display name, sent as <c>serverInfo.title</c>.</param>
    /// <returns>This builder, for chaining.</returns>
    public McpServerBuilder WithTitle(string title)
    {
        Info = Info with { Title = title };
        return this;
    }

    /// <summary>Text the client may give its model about how to use this server.</summary>
    public McpServerBuilder WithInstructions(string instructions)
    {
        _instructions = instructions;
        return this;
    }

    /// <summary>
    /// Adds the JSON metadata of your tools' input and output types: your source-generated
    /// <see cref="JsonSerializerContext"/> (use <c>JsonSerializerDefaults.Web</c> for camelCase names).
    /// </summary>
    public McpServerBuilder WithJsonContext(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolvers.Add(resolver);
        return this;
    }

    /// <summary>How many items a list answer holds before it returns a <c>nextCursor</c>.</summary>
    public McpServerBuilder WithPageSize(int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        _pageSize = pageSize;
        return this;
    }

    /// <summary>Log notifications below this level are not sent.</summary>
    public McpServerBuilder WithMinimumLogLevel(LoggingLevel level)
    {
        _minimumLogLevel = level;
        return this;
    }

    /// <summary>
    /// Whether a tool's exception message reaches the client. By default it does not: a tool that throws answers an
    /// <c>isError</c> result saying only "An error occurred invoking '&lt;tool&gt;'." (as the official C# SDK does),
    /// because messages carry file paths, SQL and other internals, and the exception is written to the server's error
    /// log (<see cref="WithHandlerFailureLog"/>). With <paramref name="send"/> true the result reads
    /// "Tool '&lt;tool&gt;' failed: &lt;message&gt;". Either way, a tool that throws <see cref="Protocol.McpException"/>
    /// answers a JSON-RPC error with its own message and code, and one that returns
    /// <see cref="Protocol.CallToolResult.Error"/> sends its own text.
    /// </summary>
    public McpServerBuilder WithToolErrorDetails(bool send = true)
    {
        _toolErrorDetails = send;
        return this;
    }

    /// <summary>
    /// Where an exception that a tool, resource, prompt or completion handler lets escape is logged, whole, with the
    /// method, the tool's or prompt's name or the resource's URI, and the request's id (<see cref="HandlerFailure"/>).
    /// Without it the host logs it: natively through ASP.NET Core's logging (category <c>Pmcp</c>), on Workers to the
    /// Worker's log (<c>dotnet pmcp deploy logs</c>), elsewhere to stderr; the hosts write the exception's type and
    /// stack frames, its message only when the var <c>PMCP_LOG_EXCEPTION_MESSAGES</c> is <c>true</c>
    /// (<see cref="HandlerFailure.ToString"/>), since a message may quote an argument or a secret. What the client is told does not change
    /// (<see cref="WithToolErrorDetails"/>).
    /// </summary>
    /// <param name="log">Called once per failure, on the request's own flow; what it throws is caught and written to stderr.</param>
    /// <returns>This builder, for chaining.</returns>
    public McpServerBuilder WithHandlerFailureLog(Action<HandlerFailure> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        _failureLog = log;
        return this;
    }

    /// <summary>
    /// The secret that signs the <c>requestState</c> of input-required results (MCP 2026-07-28, HMAC-SHA256), and the
    /// one it replaced, still accepted so a rotation does not fail the round trips under way. Every host serving the
    /// same server must share it (a Worker secret, an environment variable: never a literal in code). Without one, a
    /// random secret of the process signs: a retry then verifies only on the host or isolate that issued the state.
    /// </summary>
    /// <param name="secret">At least 32 bytes of UTF-8, for example <c>openssl rand -base64 32</c>.</param>
    /// <param name="previousSecret">The secret before the last rotation; null when there is none.</param>
    /// <param name="lifetime">How long a client has to answer; <see cref="DefaultInputLifetime"/> when null.</param>
    /// <exception cref="ArgumentException">A secret is shorter than 32 bytes.</exception>
    public McpServerBuilder WithRequestStateSecret(string secret, string? previousSecret = null, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _requestStates = new Input.RequestStateSigner(
            Input.RequestStateSigner.SecretBytes(secret),
            string.IsNullOrEmpty(previousSecret) ? null : Input.RequestStateSigner.SecretBytes(previousSecret),
            lifetime ?? DefaultInputLifetime);
        return this;
    }

    /// <summary>
    /// The structured request log (<see cref="Http.RequestLogOptions"/>): one JSON line per JSON-RPC message with its
    /// method, name, id, outcome and duration, never argument values. The <c>PMCP_REQUEST_LOG</c> var (deploy.toml's
    /// <c>[logging]</c>) overrides the level and sample rate; <see cref="Http.RequestLogOptions.ArgumentNames"/> is this
    /// server's to turn on.
    /// </summary>
    /// <param name="options">The level, sample rate and whether argument names are written.</param>
    /// <returns>This builder, for chaining.</returns>
    public McpServerBuilder WithRequestLog(Http.RequestLogOptions options)
    {
        _requestLog = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>A tool whose arguments are <typeparamref name="TIn"/> and whose result is <typeparamref name="TOut"/>.</summary>
    public McpServerBuilder Tool<TIn, TOut>(string name, string? description, Func<TIn, McpRequestContext, ValueTask<TOut>> handler, ToolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        _tools.Add(json => TypedTool.Create(name, description, options, handler, json));
        return this;
    }

    /// <summary>A synchronous tool.</summary>
    public McpServerBuilder Tool<TIn, TOut>(string name, string? description, Func<TIn, TOut> handler, ToolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Tool<TIn, TOut>(name, description, (input, _) => ValueTask.FromResult(handler(input)), options);
    }

    /// <summary>A tool that takes no arguments.</summary>
    public McpServerBuilder Tool<TOut>(string name, string? description, Func<McpRequestContext, ValueTask<TOut>> handler, ToolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        _tools.Add(json => TypedTool.CreateWithoutInput(name, description, options, handler, json));
        return this;
    }

    /// <summary>A tool with a hand-written input schema and raw JSON arguments.</summary>
    public McpServerBuilder Tool(Tool tool, Func<JsonElement, McpRequestContext, ValueTask<CallToolResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(handler);
        var registration = new ToolRegistration(tool, handler);
        _tools.Add(_ => registration);
        return this;
    }

    /// <summary>A tool with a hand-written input schema and raw JSON arguments, that only callers holding <paramref name="requiredScopes"/> may call.</summary>
    /// <param name="tool">The tool's description as clients list it.</param>
    /// <param name="handler">Runs a call with its raw JSON arguments.</param>
    /// <param name="requiredScopes">The OAuth scopes a caller must hold, all of them (<see cref="ToolRegistration.RequiredScopes"/>).</param>
    /// <returns>This builder, for chaining.</returns>
    public McpServerBuilder Tool(Tool tool, Func<JsonElement, McpRequestContext, ValueTask<CallToolResult>> handler, IReadOnlyList<string> requiredScopes)
    {
        ArgumentNullException.ThrowIfNull(tool);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(requiredScopes);
        var registration = new ToolRegistration(tool, handler) { RequiredScopes = [.. requiredScopes] };
        _tools.Add(_ => registration);
        return this;
    }

    /// <summary>
    /// A tool made when the server is built, from the server's JSON options (to resolve its types' metadata).
    /// The code generated for <see cref="McpToolAttribute"/> methods adds its tools this way, through
    /// <see cref="Generated.GeneratedToolRegistration.AddGeneratedTool"/>.
    /// </summary>
    internal McpServerBuilder AddTool(Func<JsonSerializerOptions, ToolRegistration> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _tools.Add(create);
        return this;
    }

    /// <summary>Adds the tools of a <see cref="McpToolSetAttribute"/> class, described and bound by generated code.</summary>
    public McpServerBuilder WithTools<TToolSet>()
        where TToolSet : IMcpToolSet
    {
        TToolSet.AddTools(this);
        return this;
    }

    /// <summary>Adds a resource at a fixed URI whose contents are produced on each <c>resources/read</c>.</summary>
    /// <param name="resource">The resource's description: URI, name, MIME type.</param>
    /// <param name="read">Produces the contents each time a client reads the resource.</param>
    /// <returns>This builder, for chaining.</returns>
    public McpServerBuilder Resource(Resource resource, Func<McpRequestContext, ValueTask<ReadResourceResult>> read)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(read);
        _resources.Add(new ResourceRegistration(resource, read));
        return this;
    }

    /// <summary>A text resource with fixed contents.</summary>
    public McpServerBuilder Resource(Resource resource, string text) =>
        Resource(resource, _ => ValueTask.FromResult(new ReadResourceResult(
            [new TextResourceContents(resource.Uri, text) { MimeType = resource.MimeType }])));

    /// <summary>Resources named by an RFC 6570 URI template such as <c>notes://{id}</c>.</summary>
    public McpServerBuilder ResourceTemplate(ResourceTemplate template, Func<ResourceRequest, McpRequestContext, ValueTask<ReadResourceResult>> read)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(read);
        _templates.Add(new ResourceTemplateRegistration(template, read));
        return this;
    }

    /// <summary>A prompt; required arguments are checked before <paramref name="get"/> runs.</summary>
    public McpServerBuilder Prompt(Prompt prompt, Func<IReadOnlyDictionary<string, string>, McpRequestContext, ValueTask<GetPromptResult>> get)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(get);
        _prompts.Add(new PromptRegistration(prompt, get));
        return this;
    }

    /// <summary>Answers <c>completion/complete</c> for prompt arguments and template variables.</summary>
    public McpServerBuilder Completion(Func<CompletionRequest, McpRequestContext, ValueTask<Completion>> complete)
    {
        _completion = complete ?? throw new ArgumentNullException(nameof(complete));
        return this;
    }

    /// <summary>Builds the immutable server: binds the tools to the JSON metadata added with <see cref="WithJsonContext"/>.</summary>
    /// <returns>A server that can answer any number of requests, concurrently.</returns>
    /// <exception cref="InvalidOperationException">Two tools, two resources or two prompts share a name (URI for resources).</exception>
    public McpServer Build()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine([.. _resolvers, PmcpJsonContext.Default]),
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

            // The web defaults also read numbers written as strings, which would make every number in a tool's
            // schema "string or integer" with a pattern; a tool takes numbers as numbers, as its schema says.
            NumberHandling = JsonNumberHandling.Strict,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        json.MakeReadOnly();

        var tools = _tools.Select(t => t(json)).ToList();
        ThrowOnDuplicates(tools.Select(t => t.Tool.Name), "tool");
        ThrowOnDuplicates(_resources.Select(r => r.Resource.Uri), "resource");
        ThrowOnDuplicates(_prompts.Select(p => p.Prompt.Name), "prompt");

        var server = new McpServer(
            Info,
            _instructions,
            tools,
            [.. _resources],
            [.. _templates],
            [.. _prompts],
            _completion,
            _pageSize,
            _minimumLogLevel,
            _toolErrorDetails,
            _failureLog)
        {
            RequestLog = _requestLog,
            RequestStateSecretFromBuilder = _requestStates is not null,
        };
        if ((_requestStates ?? FromEnvironment()) is { } signer)
        {
            server.RequestStates = signer;
        }

        return server;
    }

    private static void ThrowOnDuplicates(IEnumerable<string> names, string kind)
    {
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two {kind}s are named '{duplicate.Key}'; {kind} names must be unique.");
        }
    }

    /// <summary>
    /// The secrets in <c>PMCP_MRTR_SECRET</c> and <c>PMCP_MRTR_SECRET_PREVIOUS</c> (native hosts; a Worker passes its
    /// secrets to the builder), or null when none is set.
    /// </summary>
    private static Input.RequestStateSigner? FromEnvironment()
    {
        var secret = Environment.GetEnvironmentVariable(McpServer.RequestStateSecretVariable);
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        var previous = Environment.GetEnvironmentVariable(McpServer.RequestStateSecretVariable + "_PREVIOUS");
        return new Input.RequestStateSigner(
            Input.RequestStateSigner.SecretBytes(secret),
            string.IsNullOrEmpty(previous) ? null : Input.RequestStateSigner.SecretBytes(previous),
            DefaultInputLifetime);
    }

}
