using System.Text.Json;
using Pmcp.Protocol;

namespace Pmcp.Server;

/// <summary>A tool's description and the handler that runs it with raw JSON arguments.</summary>
public sealed record ToolRegistration(Tool Tool, Func<JsonElement, McpRequestContext, ValueTask<CallToolResult>> Handler)
{
    /// <summary>
    /// The OAuth scopes a caller must hold, all of them, to call this tool; empty for none. Checked when the endpoint
    /// authenticates callers (<see cref="Http.StreamableHttpOptions.Authenticator"/>): a caller without them is answered
    /// 403 with an <c>insufficient_scope</c> challenge naming them, before the tool runs.
    /// </summary>
    public IReadOnlyList<string> RequiredScopes { get; init; } = [];
}

/// <summary>A fixed resource and how to read it.</summary>
public sealed record ResourceRegistration(Resource Resource, Func<McpRequestContext, ValueTask<ReadResourceResult>> Read);

/// <summary>A resource template, its compiled matcher, and how to read a matching URI.</summary>
public sealed record ResourceTemplateRegistration(
    ResourceTemplate Template,
    Func<ResourceRequest, McpRequestContext, ValueTask<ReadResourceResult>> Read)
{
    internal UriTemplate Matcher { get; } = UriTemplate.Parse(Template.UriTemplate);
}

/// <summary>A read of a URI that matched a template, with the template's variables.</summary>
public sealed record ResourceRequest(string Uri, IReadOnlyDictionary<string, string> Variables);

/// <summary>A prompt and the handler that renders it from validated string arguments.</summary>
public sealed record PromptRegistration(Prompt Prompt, Func<IReadOnlyDictionary<string, string>, McpRequestContext, ValueTask<GetPromptResult>> Get);
