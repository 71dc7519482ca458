using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pmcp.Protocol;

/// <summary>
/// A request a server needs the client to answer before it can finish (an entry of an input-required result's
/// <c>inputRequests</c>, MCP 2026-07-28): elicitation, sampling or the roots list.
/// </summary>
/// <param name="Method"><c>elicitation/create</c>, <c>sampling/createMessage</c> or <c>roots/list</c>.</param>
/// <param name="Params">The request's params, as that method defines them.</param>
public sealed record InputRequest(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("params")] JsonElement Params)
{
    /// <summary>The <c>elicitation/create</c> method: ask the user.</summary>
    public const string Elicitation = "elicitation/create";

    /// <summary>The <c>sampling/createMessage</c> method: ask the client's model.</summary>
    public const string Sampling = "sampling/createMessage";

    /// <summary>The <c>roots/list</c> method: ask for the client's roots.</summary>
    public const string Roots = "roots/list";

    /// <summary>The client capability a request needs (<c>elicitation</c>, <c>sampling</c>, <c>roots</c>); null for another method.</summary>
    public string? RequiredCapability => Method switch
    {
        Elicitation => "elicitation",
        Sampling => "sampling",
        Roots => "roots",
        _ => null,
    };
}
