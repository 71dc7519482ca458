namespace Pmcp.Protocol;

/// <summary>What <c>completion/complete</c> asks about: a prompt (<c>ref/prompt</c>) or a resource template (<c>ref/resource</c>).</summary>
public sealed record CompletionReference(string Type, string Key)
{
    public const string PromptType = "ref/prompt";
    public const string ResourceType = "ref/resource";
}

public sealed record CompletionRequest(CompletionReference Reference, string ArgumentName, string ArgumentValue, IReadOnlyDictionary<string, string> ContextArguments);

public sealed record Completion(IReadOnlyList<string> Values)
{
    public int? Total { get; init; }
    public bool? HasMore { get; init; }
}

public sealed record CompleteResult(Completion Completion);
