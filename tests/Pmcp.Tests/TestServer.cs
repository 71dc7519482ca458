using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Tests;

public sealed record EchoInput([property: Description("What to echo")] string Message);

public sealed record AddInput(int A, int B);

public sealed record QueryInput([property: Description("Department to list")] string Department, int? Limit = null);

public sealed record ProfileInput(string Name);

public sealed record User(string Name, string Email);

public sealed record EmptyInput;

public sealed record StepsInput(int Steps);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EchoInput))]
[JsonSerializable(typeof(AddInput))]
[JsonSerializable(typeof(QueryInput))]
[JsonSerializable(typeof(ProfileInput))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(User[]))]
[JsonSerializable(typeof(EmptyInput))]
[JsonSerializable(typeof(StepsInput))]
[JsonSerializable(typeof(int))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>The server every HTTP test talks to: a few tools, resources, a template, a prompt and completions.</summary>
internal static class TestServer
{
    public const string SecretInException = "connection string Password=hunter2";

    public static readonly User[] Users =
    [
        new("Ada", "ada@example.com"),
        new("Grace", "grace@example.com"),
        new("Linus", "linus@example.com"),
    ];

    private static readonly string[] Styles = ["formal", "friendly", "funny", "curt"];

    public static McpServerBuilder Builder() => McpServer.CreateBuilder("test-server", "1.2.3")
        .WithJsonContext(TestJsonContext.Default)
        .WithInstructions("Use the tools.")
        .Tool<EchoInput, string>("echo", "Echo a message", input => input.Message)
        .Tool<AddInput, int>("add", "Add two integers", input => input.A + input.B)
        .Tool<QueryInput, User[]>("query", "List the users of a department",
            input => input.Department == "eng" ? [.. Users.Take(input.Limit ?? Users.Length)] : [])
        .Tool<ProfileInput, User>("profile", "A user's profile", input => new User(input.Name, $"{input.Name.ToLowerInvariant()}@example.com"))
        .Tool<EmptyInput, string>("fail", "Always throws", _ => throw new InvalidOperationException("the database is down"))
        .Tool<StepsInput, string>("work", "Reports progress and logs while it works", async (input, context) =>
        {
            for (var i = 1; i <= input.Steps; i++)
            {
                // Yield so the handler sees a pending task and must decide on SSE while the work still runs.
                await Task.Yield();
                await context.ReportProgressAsync(i, input.Steps, $"step {i}");
            }

            await context.LogAsync(LoggingLevel.Info, "finished", "work");
            await Task.Yield();
            return $"did {input.Steps} steps";
        })
        .Tool<EmptyInput, string>("quiet", "Works asynchronously and sends nothing", async (_, _) =>
        {
            await Task.Delay(20);
            return "quiet";
        })
        .Resource(new Resource("test://static/readme", "readme") { MimeType = "text/plain" }, "hello from the readme")
        .Resource(new Resource("test://broken", "broken"), _ => throw new InvalidOperationException(SecretInException))
        .ResourceTemplate(new ResourceTemplate("test://template/{id}/data", "data"), (request, _) =>
            ValueTask.FromResult(new ReadResourceResult(
                [new TextResourceContents(request.Uri, $"data for {request.Variables["id"]}") { MimeType = "text/plain" }])))
        .Prompt(
            new Prompt("greet")
            {
                Description = "Greets someone",
                Arguments = [new PromptArgument("name") { Required = true }, new PromptArgument("style")],
            },
            (arguments, _) => ValueTask.FromResult(new GetPromptResult(
                [PromptMessage.User($"Say hello to {arguments["name"]}{(arguments.TryGetValue("style", out var s) ? $" in a {s} way" : "")}")])))
        .Completion((request, _) => ValueTask.FromResult(new Completion(
            [.. Styles.Where(v => v.StartsWith(request.ArgumentValue, StringComparison.Ordinal))])));

    public static StreamableHttpHandler Handler(StreamableHttpOptions? options = null) => new(Builder().Build(), options);
}
