namespace Pmcp.Protocol;

public sealed record Prompt(string Name)
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<PromptArgument>? Arguments { get; init; }
}

public sealed record PromptArgument(string Name)
{
    public string? Title { get; init; }
    public string? Description { get; init; }
    public bool? Required { get; init; }
}

/// <summary>One message of a prompt; <see cref="Role"/> is <c>user</c> or <c>assistant</c>.</summary>
public sealed record PromptMessage(string Role, ContentBlock Content)
{
    public static PromptMessage User(string text) => new("user", new TextContent(text));

    public static PromptMessage Assistant(string text) => new("assistant", new TextContent(text));
}

public sealed record GetPromptResult(IReadOnlyList<PromptMessage> Messages)
{
    public string? Description { get; init; }
}

public sealed record ListPromptsResult(IReadOnlyList<Prompt> Prompts)
{
    public string? NextCursor { get; init; }
}
