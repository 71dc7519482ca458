using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Generators.Tests.EndToEnd;

public enum Priority
{
    Low,
    Normal,
    [JsonStringEnumMemberName("urgent")]
    High,
}

[JsonConverter(typeof(JsonStringEnumConverter<Shade>))]
public enum Shade
{
    Light,
    Dark,
}

public sealed record Address([property: Description("Street and number")] string Street, string City, string? Zip = null);

[Description("Someone to greet")]
public sealed record Person(string Name, int Age, Address? Home, Shade Shade = Shade.Light);

public sealed record User(string Name, string Email);

/// <summary>A type for comparing the compile-time schema with the one the engine computes at run time for typed tools.</summary>
[Description("An order to place")]
public sealed record Order(
    [property: Description("The order's id")] string Id,
    int Quantity,
    double Price,
    Guid Reference,
    DateTime At,
    string? Note,
    int[] Lines,
    Address ShipTo,
    Dictionary<string, int> Counts,
    List<Address>? Extra = null,
    bool Gift = false,
    long Weight = 3)
{
    public required string Customer { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>The tools the end-to-end tests serve: every kind of parameter and result the generator handles.</summary>
[McpToolSet]
public sealed partial class TestTools
{
    public static readonly User[] Users = [new("Ada", "ada@example.com"), new("Grace", "grace@example.com")];

    [McpTool("echo"), Description("Return the message it is given")]
    public static string Echo([Description("The message to send back")] string message) => message;

    [McpTool("add", Title = "Add", ReadOnly = true)]
    public static int Add(int a, int b = 0) => a + b;

    [McpTool("kitchen"), Description("Every primitive, echoed back as JSON")]
    public static string Kitchen(
        string text, bool flag, long big, double ratio, float small, decimal money, Guid id, DateTime at, DateTimeOffset when,
        Priority priority, int? maybe, string? note, int[] numbers, List<string?> words, IReadOnlyList<Priority>? priorities,
        byte tiny = 7, string greeting = "hi", Priority fallback = Priority.Normal, double scale = 1.5) =>
        JsonSerializer.Serialize(
            new KitchenEcho(text, flag, big, ratio, small, money, id, at, when, priority, maybe, note, numbers, words, priorities, tiny, greeting, fallback, scale),
            TestJsonContext.Default.KitchenEcho);

    [McpTool("greet")]
    public static string Greet(Person person, [Description("Who sends it")] Address? from = null) =>
        $"Hello {person.Name} ({person.Age}, {person.Shade}) of {person.Home?.City ?? "nowhere"}{(from is null ? "" : $", from {from.Street}")}";

    [McpTool("query"), Description("List the users of a department")]
    public static async Task<User[]> Query([Description("Department to list")] string department, McpRequestContext context, CancellationToken cancellationToken)
    {
        await context.LogAsync(LoggingLevel.Info, $"listing {department}");
        await Task.Yield();
        return context.CancellationToken == cancellationToken && department == "eng" ? Users : [];
    }

    [McpTool("profile")]
    public static ValueTask<User> Profile(string name) => ValueTask.FromResult(new User(name, $"{name.ToLowerInvariant()}@example.com"));

    [McpTool("order")]
    public static Order PlaceOrder(Order order) => order;

    [McpTool("shade")]
    public static Shade PickShade(bool dark) => dark ? Shade.Dark : Shade.Light;

    [McpTool("nothing")]
    public static void Nothing()
    {
    }

    [McpTool]
    public static Task LaterAsync(CancellationToken cancellationToken) => Task.Delay(1, cancellationToken);

    [McpTool("pieces")]
    public static IEnumerable<ContentBlock> Pieces() => [new TextContent("a"), new TextContent("b")];

    [McpTool("picture")]
    public static ImageContent Picture() => ImageContent.FromBytes([1, 2, 3], "image/png");

    [McpTool("raw")]
    public static CallToolResult Raw() => new() { Content = [new TextContent("as is")], IsError = true };

    [McpTool("fail")]
    public static string Fail() => throw new InvalidOperationException("the database is down");
}

/// <summary>A tool set whose enum inside a complex type needs its JSON metadata to read names.</summary>
[McpToolSet]
public sealed partial class ChoreTools
{
    [McpTool("plan")]
    public static string Plan(Chore chore) => $"{chore.Title}: {chore.Priority}";
}

public sealed record Chore(string Title, Priority Priority);

public sealed record KitchenEcho(
    string Text, bool Flag, long Big, double Ratio, float Small, decimal Money, Guid Id, DateTime At, DateTimeOffset When,
    Priority Priority, int? Maybe, string? Note, int[] Numbers, List<string?> Words, IReadOnlyList<Priority>? Priorities,
    byte Tiny, string Greeting, Priority Fallback, double Scale);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Person))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(User[]))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Shade))]
[JsonSerializable(typeof(Chore))]
[JsonSerializable(typeof(KitchenEcho))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>Metadata generated with .NET's default (PascalCase) options: served with the server's options, it still names properties in camelCase.</summary>
[JsonSerializable(typeof(Person))]
[JsonSerializable(typeof(User[]))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Shade))]
internal sealed partial class PascalCaseJsonContext : JsonSerializerContext;

/// <summary>camelCase metadata that writes enums as numbers, unlike the schema.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Chore))]
internal sealed partial class NumericEnumJsonContext : JsonSerializerContext;
