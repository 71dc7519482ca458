using System.Text.Json;
using Pmcp.Http;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Pmcp.Generators.Tests.EndToEnd;

/// <summary>Tool sets declared in this project, generated at its compile time, served through <see cref="StreamableHttpHandler"/>.</summary>
public sealed class ToolSetServingTests
{
    private static readonly EchoInputContext TypedContext = EchoInputContext.Default;

    private readonly StreamableHttpHandler _handler = new(McpServer.CreateBuilder("generated", "1.0.0")
        .WithJsonContext(TestJsonContext.Default)
        .WithJsonContext(TypedContext)
        .WithTools<TestTools>()
        .WithTools<ChoreTools>()
        // Twins built the other way, at run time from types: the generated tools must describe and answer alike.
        .Tool<Order, Order>("typed_order", null, order => order)
        .Tool<EchoInput, string>("typed_echo", null, input => input.Message)
        .Tool<AddInput, int>("typed_add", null, input => input.A + input.B)
        .Tool<GreetInput, string>("typed_greet", null, input => input.Person.Name)
        .Build());

    private async Task<JsonElement> ToolAsync(string name)
    {
        var tools = (await _handler.SendAsync("tools/list", "{}")).GetProperty("result").GetProperty("tools");
        return tools.EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
    }

    private static void AssertJson(string expected, JsonElement actual)
    {
        using var document = JsonDocument.Parse(expected);
        Assert.True(JsonElement.DeepEquals(document.RootElement, actual), $"expected {document.RootElement.GetRawText()}\nactual   {actual.GetRawText()}");
    }

    [Fact]
    public async Task ListShowsTheCompileTimeDescriptions()
    {
        var echo = await ToolAsync("echo");
        Assert.Equal("Return the message it is given", echo.GetProperty("description").GetString());
        AssertJson("""
            {"type":"object","properties":{"message":{"description":"The message to send back","type":"string"}},"required":["message"]}
            """, echo.GetProperty("inputSchema"));
        Assert.False(echo.TryGetProperty("outputSchema", out _));
        Assert.False(echo.TryGetProperty("annotations", out _));

        var add = await ToolAsync("add");
        Assert.Equal("Add", add.GetProperty("title").GetString());
        AssertJson("""{"readOnlyHint":true}""", add.GetProperty("annotations"));
        AssertJson("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer","default":0}},"required":["a"]}""", add.GetProperty("inputSchema"));
        AssertJson("""{"type":"object","properties":{"result":{"type":"integer"}},"required":["result"]}""", add.GetProperty("outputSchema"));

        var later = await ToolAsync("later");
        AssertJson("""{"type":"object","additionalProperties":false}""", later.GetProperty("inputSchema"));
    }

    [Fact]
    public async Task SchemasMatchTheEnginesForTheSameType()
    {
        var generated = await ToolAsync("order");
        var typed = await ToolAsync("typed_order");

        Assert.True(
            JsonElement.DeepEquals(typed.GetProperty("inputSchema"), generated.GetProperty("inputSchema").GetProperty("properties").GetProperty("order")),
            $"typed     {typed.GetProperty("inputSchema")}\ngenerated {generated.GetProperty("inputSchema").GetProperty("properties").GetProperty("order")}");
        Assert.True(
            JsonElement.DeepEquals(typed.GetProperty("outputSchema"), generated.GetProperty("outputSchema")),
            $"typed     {typed.GetProperty("outputSchema")}\ngenerated {generated.GetProperty("outputSchema")}");
    }

    [Fact]
    public async Task PrimitivesAreBound()
    {
        var result = await _handler.CallAsync("kitchen", """
            {"text":"t","flag":true,"big":9007199254740993,"ratio":0.25,"small":1.5,"money":12.345,
             "id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","at":"2025-01-02T03:04:05Z","when":"2025-01-02T03:04:05+02:00",
             "priority":"urgent","maybe":null,"note":"n","numbers":[1,2,3],"words":["a",null],"priorities":["Low","urgent"]}
            """);

        AssertJson("""
            {"text":"t","flag":true,"big":9007199254740993,"ratio":0.25,"small":1.5,"money":12.345,
             "id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","at":"2025-01-02T03:04:05Z","when":"2025-01-02T03:04:05+02:00",
             "priority":"urgent","maybe":null,"note":"n","numbers":[1,2,3],"words":["a",null],"priorities":["Low","urgent"],
             "tiny":7,"greeting":"hi","fallback":"Normal","scale":1.5}
            """, JsonDocument.Parse(result.Text()).RootElement);
    }

    [Fact]
    public async Task OptionalArgumentsTakeTheirDefaults()
    {
        AssertJson("""{"result":5}""", (await _handler.CallAsync("add", """{"a":5}""")).GetProperty("structuredContent"));
        AssertJson("""{"result":7}""", (await _handler.CallAsync("add", """{"a":5,"b":2}""")).GetProperty("structuredContent"));

        var kitchen = await _handler.CallAsync("kitchen", """
            {"text":"t","flag":false,"big":1,"ratio":1,"small":1,"money":1,"id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff",
             "at":"2025-01-02T03:04:05Z","when":"2025-01-02T03:04:05Z","priority":"Low","numbers":[],"words":[],
             "tiny":255,"greeting":"yo","fallback":"urgent","scale":2}
            """);
        var echoed = JsonDocument.Parse(kitchen.Text()).RootElement;
        Assert.Equal(JsonValueKind.Null, echoed.GetProperty("maybe").ValueKind);
        Assert.Equal(JsonValueKind.Null, echoed.GetProperty("note").ValueKind);
        Assert.Equal(JsonValueKind.Null, echoed.GetProperty("priorities").ValueKind);
        Assert.Equal(255, echoed.GetProperty("tiny").GetInt32());
        Assert.Equal("urgent", echoed.GetProperty("fallback").GetString());
    }

    [Fact]
    public async Task ComplexArgumentsUseTheJsonMetadata()
    {
        var result = await _handler.CallAsync("greet", """{"person":{"name":"Ada","age":36,"home":{"street":"1 Main St","city":"London"},"shade":"Dark"},"from":{"street":"2 Side St","city":"Paris"}}""");
        Assert.Equal("Hello Ada (36, Dark) of London, from 2 Side St", result.Text());

        var minimal = await _handler.CallAsync("greet", """{"person":{"name":"Grace","age":85,"home":null}}""");
        Assert.Equal("Hello Grace (85, Light) of nowhere", minimal.Text());

        var greet = await ToolAsync("greet");
        var person = greet.GetProperty("inputSchema").GetProperty("properties").GetProperty("person");
        Assert.Equal("Someone to greet", person.GetProperty("description").GetString());
        AssertJson("""{"type":"string","enum":["Light","Dark"],"default":"Light"}""", person.GetProperty("properties").GetProperty("shade"));
    }

    [Fact]
    public async Task ContextAndCancellationAreGiven()
    {
        var result = await _handler.CallAsync("query", """{"department":"eng"}""");

        AssertJson("""{"result":[{"name":"Ada","email":"ada@example.com"},{"name":"Grace","email":"grace@example.com"}]}""", result.GetProperty("structuredContent"));
        Assert.True(JsonElement.DeepEquals(result.GetProperty("structuredContent"), JsonDocument.Parse(result.Text()).RootElement));
        var query = await ToolAsync("query");
        Assert.Equal("Department to list", query.GetProperty("inputSchema").GetProperty("properties").GetProperty("department").GetProperty("description").GetString());
        AssertJson("""
            {"type":"object","properties":{"result":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name","email"]}}},"required":["result"]}
            """, query.GetProperty("outputSchema"));
    }

    [Fact]
    public async Task ResultsTakeTheirShapeFromTheReturnType()
    {
        var profile = await _handler.CallAsync("profile", """{"name":"Ada"}""");
        AssertJson("""{"name":"Ada","email":"ada@example.com"}""", profile.GetProperty("structuredContent"));

        var shade = await _handler.CallAsync("shade", """{"dark":true}""");
        AssertJson("""{"result":"Dark"}""", shade.GetProperty("structuredContent"));
        AssertJson("""{"type":"object","properties":{"result":{"type":"string","enum":["Light","Dark"]}},"required":["result"]}""", (await ToolAsync("shade")).GetProperty("outputSchema"));

        foreach (var empty in new[] { "nothing", "later" })
        {
            var result = await _handler.CallAsync(empty, "{}");
            Assert.Equal(0, result.GetProperty("content").GetArrayLength());
            Assert.False(result.IsError());
        }

        var pieces = await _handler.CallAsync("pieces", "{}");
        Assert.Equal(["a", "b"], pieces.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));

        var picture = (await _handler.CallAsync("picture", "{}")).GetProperty("content")[0];
        Assert.Equal("image", picture.GetProperty("type").GetString());
        Assert.Equal("AQID", picture.GetProperty("data").GetString());

        var raw = await _handler.CallAsync("raw", "{}");
        Assert.True(raw.IsError());
        Assert.Equal("as is", raw.Text());
    }

    [Fact]
    public async Task AThrowingToolIsAToolError()
    {
        var result = await _handler.CallAsync("fail", "{}");

        Assert.True(result.IsError());
        Assert.Equal("An error occurred invoking 'fail'.", result.Text()); // the message stays in the server's log
    }

    [Theory]
    [InlineData("echo", "typed_echo", """{"message":42}""")]
    [InlineData("echo", "typed_echo", """{}""")]
    [InlineData("echo", "typed_echo", """{"message":null}""")]
    [InlineData("add", "typed_add", """{"a":"1","b":2}""")]
    [InlineData("add", "typed_add", """{"a":1.5,"b":2}""")]
    [InlineData("greet", "typed_greet", """{"person":{"name":"Ada","age":"old","home":null}}""")]
    [InlineData("greet", "typed_greet", """{"person":{"name":"Ada","home":null}}""")]
    [InlineData("greet", "typed_greet", """{"person":{"name":"Ada","age":1,"home":null,"shade":"Grey"}}""")]
    public async Task BadArgumentsFailAsForTypedTools(string generated, string typed, string arguments)
    {
        var fromGenerated = await _handler.CallAsync(generated, arguments);
        var fromTyped = await _handler.CallAsync(typed, arguments);

        Assert.True(fromGenerated.IsError());
        Assert.StartsWith($"Invalid arguments for tool '{generated}'", fromGenerated.Text(), StringComparison.Ordinal);
        Assert.Equal(fromTyped.Text().Replace(typed, generated, StringComparison.Ordinal), fromGenerated.Text());
    }

    [Fact]
    public async Task BadArgumentsAreNamed()
    {
        Assert.Equal("Invalid arguments for tool 'kitchen': missing required property 'text'", (await _handler.CallAsync("kitchen", "{}")).Text());
        Assert.Equal(
            "Invalid arguments for tool 'add' at 'a': The JSON value could not be converted to System.Int32.",
            (await _handler.CallAsync("add", """{"a":3000000000}""")).Text());
        Assert.Equal(
            "Invalid arguments for tool 'plan': 'chore.priority' must be one of [\"Low\",\"Normal\",\"urgent\"]",
            (await _handler.CallAsync("plan", """{"chore":{"title":"t","priority":"High"}}""")).Text());
    }

    [Fact]
    public async Task BadArgumentsAreInvalidParamsBefore20251125()
    {
        var answer = await _handler.SendAsync("tools/call", """{"name":"echo","arguments":{}}""", ProtocolVersions.V20250618);

        Assert.Equal(McpErrorCodes.InvalidParams, answer.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("Invalid arguments for tool 'echo': missing required property 'message'", answer.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task EnumsInComplexTypesAreReadByName()
    {
        Assert.Equal("t: High", (await _handler.CallAsync("plan", """{"chore":{"title":"t","priority":"urgent"}}""")).Text());
    }
}
