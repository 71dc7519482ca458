namespace Pmcp.Protocol;

/// <summary>A prompt template as <c>prompts/list</c> describes it.</summary>
/// <param name="Name">The prompt's programmatic name, which <c>prompts/get</c> takes.</param>
public sealed record Prompt(string Name)
{
    /// <summary>
    /// A human-readable name for display (MCP 2025-06-18 and later); clients fall back to <see cref="Name"/>.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>What the prompt is for.</summary>
    public string? Description { get; init; }

    /// <summary>The arguments the prompt takes; null when it takes none.</summary>
    public IReadOnlyList<PromptArgument>? Arguments { get; init; }
}

/// <summary>One argument a <see cref="Prompt"/> takes; its value is always a string.</summary>
/// <param name="Name">The argument's name, the key of its value in <c>prompts/get</c>'s <c>arguments</c>.</param>
public sealed record PromptArgument(string Name)
{
    /// <summary>
    /// A human-readable name for display (MCP 2025-06-18 and later); clients fall back to <see cref="Name"/>.
    /// </summary>
    public string? Title { get; init; }

    /// <summary>What the argument means, for whoever fills it in.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the argument must be given; null is the same as false.</summary>
    public bool? Required { get; init; }
}

/// <summary>One message of a prompt; <see cref="Role"/> is <c>user</c> or <c>assistant</c>.</summary>
/// <param name="Role"><c>"user"</c> or <c>"assistant"</c>.</param>
/// <param name="Content">The message's content: text, an image, audio or a resource.</param>
public sealed record PromptMessage(string Role, ContentBlock Content)
{
    /// <summary>A text message from the user.</summary>
    /// <param name="text">The message's text.</param>
    public static PromptMessage User(string text) => new("user", new TextContent(text));

    /// <summary>A text message from the assistant, such as an example answer.</summary>
    /// <param name="text">The message's text.</param>
    public static PromptMessage Assistant(string text) => new("assistant", new TextContent(text));
}

/// <summary>The MCP <c>prompts/get</c> result: the prompt filled in with the arguments given.</summary>
/// <param name="Messages">The prompt's messages, in order.</param>
public sealed record GetPromptResult(IReadOnlyList<PromptMessage> Messages) : Result
{
    /// <summary>A description of the prompt; null for none.</summary>
    public string? Description { get; init; }
}

/// <summary>The MCP <c>prompts/list</c> result: one page of prompts.</summary>
/// <param name="Prompts">The prompts on this page.</param>
public sealed record ListPromptsResult(IReadOnlyList<Prompt> Prompts) : Result
{
    /// <summary>The opaque cursor to pass back for the next page; null on the last page.</summary>
    public string? NextCursor { get; init; }
}
