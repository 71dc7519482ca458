using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing;

/// <summary>
/// <c>dotnet pmcp test check</c>'s checks against one MCP endpoint: it negotiates every revision the server speaks
/// (initialize for the session revisions, <c>server/discover</c> for the stateless one), lists and exercises tools,
/// resources and prompts in each, then checks the Streamable HTTP transport's rules once.
/// </summary>
internal sealed class ServerChecker(McpHttpClient client, CheckPolicy policy)
{
    /// <summary>The revisions that begin with <c>initialize</c>, newest first.</summary>
    public static readonly string[] SessionRevisions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

    /// <summary>The stateless revision: no initialize, <c>_meta</c> on every request.</summary>
    public const string StatelessRevision = "2026-07-28";

    private const string UnknownTool = "pmcp-check-no-such-tool";

    /// <summary>The JSON-RPC error of a request that needs a client capability the client did not declare.</summary>
    private const int MissingClientCapability = -32021;

    private readonly List<CheckResult> _results = [];

    /// <summary>Runs every check; throws <see cref="CliException"/> when the URL is unreachable or not an MCP endpoint.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var sessions = new List<McpSession>();
        foreach (var revision in SessionRevisions)
        {
            if (await InitializeAsync(revision, cancellationToken) is { } session)
            {
                sessions.Add(session);
            }
        }

        var capabilities = new Dictionary<McpSession, JsonElement>();
        foreach (var session in sessions)
        {
            capabilities[session] = _capabilities[session.Version];
        }

        if (await DiscoverAsync(cancellationToken) is { } stateless)
        {
            sessions.Insert(0, stateless.Session);
            capabilities[stateless.Session] = stateless.Capabilities;
        }

        if (sessions.Count == 0)
        {
            throw new CliException($"{client.Endpoint} is not an MCP endpoint: it answered neither initialize (revisions {string.Join(", ", SessionRevisions)}) nor server/discover ({StatelessRevision}); {_firstAnswer}. Check the URL: the MCP endpoint usually ends in /mcp.");
        }

        foreach (var session in sessions)
        {
            await ExerciseAsync(session, capabilities[session], cancellationToken);
        }

        // The transport's rules do not depend on the revision: checked once, in the newest session revision (whose
        // version header stands alone; a stateless request's must also match its _meta), else the stateless one.
        await CheckHttpRulesAsync(sessions.FirstOrDefault(s => !s.Stateless) ?? sessions[0], cancellationToken);
        return _results;
    }

    private readonly Dictionary<string, JsonElement> _capabilities = [];
    private string _firstAnswer = "";

    private void Add(string name, CheckOutcome outcome, string reason, string fix = "") => _results.Add(new CheckResult(name, outcome, reason, fix));

    /// <summary>POSTs, turning a connection failure into the error a user can act on.</summary>
    private async Task<McpReply> SendAsync(Func<Task<McpReply>> send)
    {
        McpReply reply;
        try
        {
            reply = await send();
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new CliException($"could not reach {client.Endpoint}: {e.Message}. Start the server (dotnet pmcp dev <project-dir>, or pass the project folder instead of a URL) or check the URL.");
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            // One request that hangs (a tool waiting for the client, say) fails its own check, not the whole run.
            return McpReply.NoAnswer;
        }

        if (reply.Status == HttpStatusCode.Unauthorized)
        {
            throw TestTarget.Unauthorized(client.Endpoint, client.SendsCredential);
        }

        return reply;
    }

    private async Task<McpSession?> InitializeAsync(string revision, CancellationToken cancellationToken)
    {
        var name = $"{revision} initialize";
        var parameters = new JsonObject
        {
            ["protocolVersion"] = revision,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = McpSession.ClientInfo(),
        };
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 0, ["method"] = "initialize", ["params"] = parameters }.ToJsonString();
        var reply = await SendAsync(() => client.PostAsync(body, new Dictionary<string, string?>(), cancellationToken));
        if (_firstAnswer.Length == 0)
        {
            _firstAnswer = "initialize got " + reply.Describe();
        }

        if (reply.Result is not { ValueKind: JsonValueKind.Object } result)
        {
            Add(name, CheckOutcome.Skip, $"no initialize result: {reply.Describe()}");
            return null;
        }

        var agreed = result.TryGetProperty("protocolVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (agreed != revision)
        {
            // Answering with another revision is how a server says it does not speak this one: not a defect.
            Add(name, CheckOutcome.Skip, $"not spoken: the server answered with revision {agreed ?? "(none)"}");
            return null;
        }

        var problems = new List<string>();
        if (!result.TryGetProperty("capabilities", out var capabilities) || capabilities.ValueKind != JsonValueKind.Object)
        {
            problems.Add("no capabilities object");
        }

        if (!result.TryGetProperty("serverInfo", out var info) || info.ValueKind != JsonValueKind.Object
            || !info.TryGetProperty("name", out _) || !info.TryGetProperty("version", out _))
        {
            problems.Add("no serverInfo with name and version");
        }

        if (problems.Count > 0)
        {
            Add(name, CheckOutcome.Fail, $"negotiated, but the result has {string.Join(" and ", problems)}", "Return capabilities and serverInfo { name, version } from initialize, as the specification requires.");
        }
        else
        {
            Add(name, CheckOutcome.Pass, "negotiated");
        }

        _capabilities[revision] = capabilities.ValueKind == JsonValueKind.Object ? capabilities.Clone() : JsonDocument.Parse("{}").RootElement;
        var session = new McpSession(client, revision, stateless: false, reply.SessionId);
        var initialized = await SendAsync(() => session.NotifyAsync("notifications/initialized", cancellationToken));
        if (initialized.Status == HttpStatusCode.Accepted)
        {
            Add($"{revision} notifications/initialized", CheckOutcome.Pass, "202 Accepted");
        }
        else
        {
            Add($"{revision} notifications/initialized", (int)initialized.Status is >= 200 and < 300 ? CheckOutcome.Warn : CheckOutcome.Fail,
                $"{initialized.Describe()}, not 202 Accepted", "Answer an accepted notification with 202 Accepted and no body (Streamable HTTP transport: MUST).");
        }

        return session;
    }

    private async Task<(McpSession Session, JsonElement Capabilities)?> DiscoverAsync(CancellationToken cancellationToken)
    {
        var session = new McpSession(client, StatelessRevision, stateless: true, sessionId: null);
        var name = $"{StatelessRevision} server/discover";
        var reply = await SendAsync(() => session.RequestAsync("server/discover", null, cancellationToken));
        if (reply.Result is not { ValueKind: JsonValueKind.Object } result
            || !result.TryGetProperty("supportedVersions", out var versions) || versions.ValueKind != JsonValueKind.Array
            || !versions.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && v.GetString() == StatelessRevision))
        {
            Add(name, CheckOutcome.Skip, $"not spoken: {reply.Describe()}");
            return null;
        }

        var capabilities = result.TryGetProperty("capabilities", out var c) && c.ValueKind == JsonValueKind.Object ? c.Clone() : JsonDocument.Parse("{}").RootElement;
        Add(name, CheckOutcome.Pass, $"supported versions: {string.Join(", ", versions.EnumerateArray().Select(v => v.ToString()))}");
        return (session, capabilities);
    }

    private async Task ExerciseAsync(McpSession session, JsonElement capabilities, CancellationToken cancellationToken)
    {
        var prefix = session.Version;
        if (capabilities.TryGetProperty("tools", out _))
        {
            await ExerciseToolsAsync(session, cancellationToken);
        }
        else
        {
            Add($"{prefix} tools", CheckOutcome.Skip, "the server declares no tools capability");
        }

        if (capabilities.TryGetProperty("resources", out _))
        {
            await ExerciseResourcesAsync(session, cancellationToken);
        }

        if (capabilities.TryGetProperty("prompts", out _))
        {
            await ExercisePromptsAsync(session, cancellationToken);
        }

        var unknown = await SendAsync(() => session.RequestAsync("pmcp/no-such-method", null, cancellationToken));
        if (unknown.ErrorCode == -32601)
        {
            Add($"{prefix} unknown method", CheckOutcome.Pass, "-32601 Method not found");
        }
        else
        {
            Add($"{prefix} unknown method", CheckOutcome.Fail, $"pmcp/no-such-method got {unknown.Describe()}",
                "Answer a method the server does not know with JSON-RPC error -32601 (Method not found).");
        }
    }

    private async Task ExerciseToolsAsync(McpSession session, CancellationToken cancellationToken)
    {
        var prefix = session.Version;
        var (tools, failure) = await session.ListAsync("tools/list", "tools", cancellationToken);
        if (failure is not null)
        {
            Add($"{prefix} tools/list", CheckOutcome.Fail, $"declares tools but tools/list got {failure.Describe()}", "Answer tools/list with { tools: [...] }.");
            return;
        }

        Add($"{prefix} tools/list", CheckOutcome.Pass, $"{tools.Count} tool(s)");
        var structured = string.CompareOrdinal(prefix, "2025-06-18") >= 0;
        foreach (var tool in tools)
        {
            var name = tool.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            if (name.Length == 0)
            {
                Add($"{prefix} tools/list", CheckOutcome.Fail, "a tool has no name", "Give every tool a non-empty name.");
                continue;
            }

            var input = tool.TryGetProperty("inputSchema", out var i) ? i : (JsonElement?)null;
            var inputProblem = SchemaSubset.ObjectSchemaProblem(input);
            if (inputProblem is null)
            {
                Add($"{prefix} {name} inputSchema", CheckOutcome.Pass, "an object schema");
            }
            else
            {
                Add($"{prefix} {name} inputSchema", CheckOutcome.Fail, $"not a valid object schema: {inputProblem}",
                    "A tool's inputSchema must be a JSON Schema object with \"type\": \"object\" (use { \"type\": \"object\" } for a tool without arguments).");
            }

            JsonElement? output = structured && tool.TryGetProperty("outputSchema", out var o) ? o : null;
            if (output is not null && SchemaSubset.ObjectSchemaProblem(output) is { } outputProblem)
            {
                Add($"{prefix} {name} outputSchema", CheckOutcome.Fail, $"not a valid object schema: {outputProblem}", "A tool's outputSchema must be a JSON Schema object with \"type\": \"object\".");
                output = null;
            }

            var readOnly = tool.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                && annotations.TryGetProperty("readOnlyHint", out var hint) && hint.ValueKind == JsonValueKind.True;
            if (!readOnly && !policy.CallAllTools)
            {
                Add($"{prefix} tools/call {name}", CheckOutcome.Skip, $"not called: {policy.Why}");
                continue;
            }

            var schema = inputProblem is null ? input!.Value : JsonDocument.Parse("""{"type":"object"}""").RootElement;
            await CallValidAsync(session, name, schema, output, cancellationToken);
            if (inputProblem is null)
            {
                foreach (var invalid in ArgumentGenerator.Invalids(schema))
                {
                    await CallInvalidAsync(session, name, invalid, cancellationToken);
                }
            }
        }

        var unknown = await SendAsync(() => session.RequestAsync("tools/call", new JsonObject { ["name"] = UnknownTool, ["arguments"] = new JsonObject() }, cancellationToken));
        if (unknown.Error is not null || IsToolError(unknown))
        {
            Add($"{prefix} tools/call unknown tool", CheckOutcome.Pass, $"an error: {unknown.Describe()}");
        }
        else
        {
            Add($"{prefix} tools/call unknown tool", CheckOutcome.Fail, $"'{UnknownTool}' got {unknown.Describe()} that is not an error",
                "Answer a call of a tool that does not exist with an error (JSON-RPC -32602, or a result with isError: true), never success.");
        }
    }

    /// <summary>
    /// Why a tool's error is no verdict on the tool: the credential lacks a scope the call needs (403
    /// insufficient_scope), or it needs a client capability the check does not declare (the server said so with
    /// -32021, or asked the client on the answer's stream and was refused); null otherwise.
    /// </summary>
    private static string? NeedsTheClient(McpReply reply) =>
        reply.MissingScope is { } scope
            ? $"the credential lacks a scope this call needs (403 insufficient_scope, asking for {(scope.Length == 0 ? "a scope it does not name" : scope)}), as OAuth's step-up has it; pass --token-env with a token granted it to check the call"
            : reply.ErrorCode == MissingClientCapability
            ? $"the tool needs a client capability that test check does not declare: {reply.Describe()}"
            : reply.AskedOfClient.Count > 0 && reply.Error is not null
                ? $"the tool asked the client ({string.Join(", ", reply.AskedOfClient.Distinct())}), which test check does not answer (it declares no client capabilities), and then got {reply.Describe()}"
                : null;

    private async Task CallValidAsync(McpSession session, string name, JsonElement schema, JsonElement? output, CancellationToken cancellationToken)
    {
        var check = $"{session.Version} tools/call {name} (valid)";
        var arguments = ArgumentGenerator.Valid(schema);
        var reply = await SendAsync(() => session.RequestAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = arguments }, cancellationToken));
        if (reply.Result is null && NeedsTheClient(reply) is { } needs)
        {
            Add(check, CheckOutcome.Skip, needs);
            return;
        }

        if (reply.Result is not { ValueKind: JsonValueKind.Object } result)
        {
            Add(check, CheckOutcome.Fail, $"arguments {arguments.ToJsonString()} valid by the tool's schema got {reply.Describe()}",
                "Valid arguments must be answered with a result; report a failure of the tool itself as a result with isError: true, not a JSON-RPC error.");
            return;
        }

        if (!result.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            Add(check, CheckOutcome.Fail, "the result has no content array", "Return { content: [...] } from tools/call.");
            return;
        }

        if (IsToolError(reply))
        {
            Add(check, CheckOutcome.Pass, $"a tool error (isError) for {arguments.ToJsonString()}: allowed, the server may reject made-up values");
            return;
        }

        if (output is not { } outputSchema)
        {
            Add(check, CheckOutcome.Pass, $"a result for {arguments.ToJsonString()}");
            return;
        }

        if (!result.TryGetProperty("structuredContent", out var structuredContent))
        {
            Add(check, CheckOutcome.Fail, "the tool declares an outputSchema but the result has no structuredContent",
                "A tool with an outputSchema must return structuredContent that conforms to it.");
            return;
        }

        var errors = SchemaSubset.Validate(outputSchema, structuredContent);
        if (errors.Count == 0)
        {
            Add(check, CheckOutcome.Pass, $"structuredContent matches the outputSchema ({SchemaSubset.NotChecked})");
        }
        else
        {
            Add(check, CheckOutcome.Fail, $"structuredContent breaks the tool's own outputSchema: {string.Join("; ", errors.Take(3))}",
                "Make the tool's result match the outputSchema it declares, or correct the schema.");
        }
    }

    private async Task CallInvalidAsync(McpSession session, string name, ArgumentGenerator.Invalid invalid, CancellationToken cancellationToken)
    {
        var check = $"{session.Version} tools/call {name} ({invalid.Broken})";
        var reply = await SendAsync(() => session.RequestAsync("tools/call", new JsonObject { ["name"] = name, ["arguments"] = invalid.Arguments }, cancellationToken));
        if (reply.MissingScope is not null)
        {
            Add(check, CheckOutcome.Skip, NeedsTheClient(reply)!);
        }
        else if (reply.ErrorCode == -32602 || IsToolError(reply))
        {
            Add(check, CheckOutcome.Pass, $"refused: {(IsToolError(reply) ? "a result with isError" : "-32602 Invalid params")}");
        }
        else if (reply.Error is not null)
        {
            Add(check, CheckOutcome.Warn, $"refused, but with {reply.Describe()}", "Refuse arguments that break the input schema with -32602 (Invalid params) or a result with isError: true.");
        }
        else
        {
            Add(check, CheckOutcome.Fail, $"arguments {invalid.Arguments.ToJsonString()} that break the input schema were accepted: {reply.Describe()}",
                "Validate arguments against the input schema and refuse them with -32602 or a result with isError: true.");
        }
    }

    private static bool IsToolError(McpReply reply) =>
        reply.Result is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True;

    private async Task ExerciseResourcesAsync(McpSession session, CancellationToken cancellationToken)
    {
        var prefix = session.Version;
        var (resources, failure) = await session.ListAsync("resources/list", "resources", cancellationToken);
        if (failure is not null)
        {
            Add($"{prefix} resources/list", CheckOutcome.Fail, $"declares resources but resources/list got {failure.Describe()}", "Answer resources/list with { resources: [...] }.");
            return;
        }

        Add($"{prefix} resources/list", CheckOutcome.Pass, $"{resources.Count} resource(s)");
        foreach (var resource in resources.Take(20))
        {
            var uri = resource.TryGetProperty("uri", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString()! : "";
            var reply = await SendAsync(() => session.RequestAsync("resources/read", new JsonObject { ["uri"] = uri }, cancellationToken));
            var ok = reply.Result is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("contents", out var contents) && contents.ValueKind == JsonValueKind.Array;
            Add($"{prefix} resources/read {uri}", ok ? CheckOutcome.Pass : CheckOutcome.Fail, ok ? "contents returned" : $"got {reply.Describe()}",
                ok ? "" : "Every listed resource must be readable: answer resources/read with { contents: [...] }.");
        }
    }

    private async Task ExercisePromptsAsync(McpSession session, CancellationToken cancellationToken)
    {
        var prefix = session.Version;
        var (prompts, failure) = await session.ListAsync("prompts/list", "prompts", cancellationToken);
        if (failure is not null)
        {
            Add($"{prefix} prompts/list", CheckOutcome.Fail, $"declares prompts but prompts/list got {failure.Describe()}", "Answer prompts/list with { prompts: [...] }.");
            return;
        }

        Add($"{prefix} prompts/list", CheckOutcome.Pass, $"{prompts.Count} prompt(s)");
        foreach (var prompt in prompts.Take(20))
        {
            var name = prompt.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            var arguments = new JsonObject();
            if (prompt.TryGetProperty("arguments", out var declared) && declared.ValueKind == JsonValueKind.Array)
            {
                foreach (var argument in declared.EnumerateArray())
                {
                    if (argument.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.True
                        && argument.TryGetProperty("name", out var argumentName) && argumentName.ValueKind == JsonValueKind.String)
                    {
                        arguments[argumentName.GetString()!] = "test";
                    }
                }
            }

            var reply = await SendAsync(() => session.RequestAsync("prompts/get", new JsonObject { ["name"] = name, ["arguments"] = arguments }, cancellationToken));
            if (reply.Result is null && NeedsTheClient(reply) is { } needs)
            {
                Add($"{prefix} prompts/get {name}", CheckOutcome.Skip, needs.Replace("the tool", "the prompt", StringComparison.Ordinal));
                continue;
            }

            var ok = reply.Result is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array;
            Add($"{prefix} prompts/get {name}", ok ? CheckOutcome.Pass : CheckOutcome.Fail, ok ? "messages returned" : $"with its required arguments got {reply.Describe()}",
                ok ? "" : "Answer prompts/get with { messages: [...] } when its required arguments are given.");
        }
    }

    private async Task CheckHttpRulesAsync(McpSession session, CancellationToken cancellationToken)
    {
        var (ping, headers) = session.Build("ping", null);
        Task<McpReply> Ping(params (string Name, string? Value)[] overrides)
        {
            var all = new Dictionary<string, string?>(headers, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in overrides)
            {
                all[name] = value;
            }

            return SendAsync(() => client.PostAsync(ping, all, cancellationToken));
        }

        var accept = await Ping(("Accept", "text/plain"));
        var acceptStatus = (int)accept.Status;
        Add("http.accept", acceptStatus is 406 or 400 ? CheckOutcome.Pass : acceptStatus is >= 200 and < 300 ? CheckOutcome.Fail : CheckOutcome.Warn,
            $"Accept: text/plain got HTTP {acceptStatus}",
            acceptStatus is 406 or 400 ? "" : "Refuse a POST whose Accept lists neither application/json nor text/event-stream with 406 Not Acceptable: the client could not read the answer.");

        var contentType = await Ping(("Content-Type", "text/plain"));
        var contentStatus = (int)contentType.Status;
        Add("http.content-type", contentStatus == 415 ? CheckOutcome.Pass : CheckOutcome.Warn, $"Content-Type: text/plain got HTTP {contentStatus}",
            contentStatus == 415 ? "" : "Refuse a body that is not Content-Type: application/json with 415 Unsupported Media Type (a web page can send text/plain without a CORS preflight).");

        var origin = await Ping(("Origin", "http://evil.example"));
        var originStatus = (int)origin.Status;
        Add("http.origin", originStatus == 403 ? CheckOutcome.Pass : originStatus is >= 400 and < 500 ? CheckOutcome.Warn : CheckOutcome.Fail,
            $"Origin: http://evil.example got HTTP {originStatus}",
            originStatus == 403 ? "" : "Validate the Origin header and answer a foreign one with 403 Forbidden (Streamable HTTP: MUST, against DNS rebinding).");

        var version = await Ping(("MCP-Protocol-Version", "1999-01-01"));
        var versionStatus = (int)version.Status;
        Add("http.protocol-version", versionStatus == 400 ? CheckOutcome.Pass : versionStatus is >= 400 and < 500 ? CheckOutcome.Warn : CheckOutcome.Fail,
            $"MCP-Protocol-Version: 1999-01-01 got {version.Describe()}",
            versionStatus == 400 ? "" : "Answer an MCP-Protocol-Version header the server does not support with 400 Bad Request (Streamable HTTP: MUST).");

        var malformed = await SendAsync(() => client.PostAsync("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", headers, cancellationToken));
        Add("jsonrpc.parse-error", malformed.ErrorCode == -32700 ? CheckOutcome.Pass : malformed.Error is not null || (int)malformed.Status is >= 400 and < 500 ? CheckOutcome.Warn : CheckOutcome.Fail,
            $"malformed JSON got {malformed.Describe()}",
            malformed.ErrorCode == -32700 ? "" : "Answer a body that is not JSON with JSON-RPC error -32700 (Parse error).");
    }
}
