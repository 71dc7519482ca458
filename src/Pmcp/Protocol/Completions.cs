namespace Pmcp.Protocol;

/// <summary>What <c>completion/complete</c> asks about: a prompt (<c>ref/prompt</c>) or a resource template (<c>ref/resource</c>).</summary>
/// <param name="Type"><see cref="PromptType"/> or <see cref="ResourceType"/>: the reference's <c>type</c>.</param>
/// <param name="Key">
/// The prompt's <c>name</c> for a prompt, the template's <c>uri</c> (its URI template) for a resource.
/// </param>
public sealed record CompletionReference(string Type, string Key)
{
    /// <summary>The <c>type</c> of a reference to a prompt, whose <see cref="Key"/> is the prompt's name.</summary>
    public const string PromptType = "ref/prompt";

    /// <summary>
    /// The <c>type</c> of a reference to a resource template, whose <see cref="Key"/> is its URI template.
    /// </summary>
    public const string ResourceType = "ref/resource";
}

/// <summary>
/// A <c>completion/complete</c> request as the completion handler receives it: which argument of which prompt or
/// resource template the client wants suggestions for, and what has been typed so far.
/// </summary>
/// <param name="Reference">The prompt or resource template the argument belongs to.</param>
/// <param name="ArgumentName">The argument being completed (<c>argument.name</c>).</param>
/// <param name="ArgumentValue">What the user has typed so far (<c>argument.value</c>); may be empty.</param>
/// <param name="ContextArguments">
/// Values of the other arguments already filled in (<c>context.arguments</c>, MCP 2025-06-18 and later); empty when the
/// client sent none.
/// </param>
public sealed record CompletionRequest(CompletionReference Reference, string ArgumentName, string ArgumentValue, IReadOnlyDictionary<string, string> ContextArguments);

/// <summary>
/// The suggestions a completion handler returns, best first. MCP allows at most 100 values per response: the server
/// sends the first 100 of a longer list, with <see cref="HasMore"/> set and <see cref="Total"/> defaulting to the
/// list's length.
/// </summary>
/// <param name="Values">The suggested values for the argument.</param>
public sealed record Completion(IReadOnlyList<string> Values)
{
    /// <summary>How many matches there are in all, which may exceed <see cref="Values"/>; null when unknown.</summary>
    public int? Total { get; init; }

    /// <summary>Whether there are more matches than <see cref="Values"/> holds; null when not said.</summary>
    public bool? HasMore { get; init; }
}

/// <summary>The MCP <c>completion/complete</c> result.</summary>
/// <param name="Completion">The suggestions.</param>
public sealed record CompleteResult(Completion Completion) : Result;
