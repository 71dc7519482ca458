using Pmcp.Protocol;
using Pmcp.Server;

namespace Conformance;

internal static class ConformancePrompts
{
    public static void Add(McpServerBuilder builder) => builder
        .Prompt(
            new Prompt("test_simple_prompt") { Description = "A prompt without arguments" },
            (_, _) => Result(PromptMessage.User("This is a simple prompt for testing.")))
        .Prompt(
            new Prompt("test_prompt_with_arguments")
            {
                Description = "A prompt with two required arguments",
                Arguments = [new PromptArgument("arg1") { Description = "First test argument", Required = true }, new PromptArgument("arg2") { Description = "Second test argument", Required = true }],
            },
            (arguments, _) => Result(PromptMessage.User($"Prompt with arguments: arg1='{arguments["arg1"]}', arg2='{arguments["arg2"]}'")))
        .Prompt(
            new Prompt("test_prompt_with_embedded_resource")
            {
                Description = "A prompt that embeds a resource",
                Arguments = [new PromptArgument("resourceUri") { Description = "URI of the resource to embed", Required = true }],
            },
            (arguments, _) => Result(
                new PromptMessage("user", new EmbeddedResourceContent(new TextResourceContents(arguments["resourceUri"], "Embedded resource content for testing.") { MimeType = "text/plain" })),
                PromptMessage.User("Please process the embedded resource above.")))
        .Prompt(
            new Prompt("test_prompt_with_image") { Description = "A prompt that includes an image" },
            (_, _) => Result(
                new PromptMessage("user", new ImageContent(Fixtures.ImageBase64, "image/png")),
                PromptMessage.User("Please analyze the image above.")));

    private static ValueTask<GetPromptResult> Result(params PromptMessage[] messages) => ValueTask.FromResult(new GetPromptResult(messages));
}
