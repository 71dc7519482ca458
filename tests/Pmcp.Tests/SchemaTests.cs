using System.Text.Json;
using Pmcp.Http;
using Pmcp.Server;

namespace Pmcp.Tests;

/// <summary>Tools' input and output schemas come from their C# types; results carry structured content.</summary>
public sealed class SchemaTests
{
    private readonly StreamableHttpHandler _handler = TestServer.Handler();

    private async Task<JsonElement> ToolAsync(string name)
    {
        var tools = (await _handler.PostAsync(Http.Request(1, "tools/list"))).Result(1).GetProperty("tools");
        return tools.EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static string[] Types(JsonElement schema) => schema.GetProperty("type") is { ValueKind: JsonValueKind.Array } types
        ? Strings(types)
        : [schema.GetProperty("type").GetString()!];

    [Fact]
    public async Task InputSchemaComesFromTheRecord()
    {
        var tool = await ToolAsync("query");

        Assert.Equal("List the users of a department", tool.GetProperty("description").GetString());
        var schema = tool.GetProperty("inputSchema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        var properties = schema.GetProperty("properties");
        Assert.Equal(["department", "limit"], properties.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Department to list", properties.GetProperty("department").GetProperty("description").GetString());
        Assert.Equal(["string"], Types(properties.GetProperty("department")));
        Assert.Contains("integer", Types(properties.GetProperty("limit")));
        Assert.Equal(["department"], Strings(schema.GetProperty("required")));
    }

    [Fact]
    public async Task IntegerPropertiesAreIntegers()
    {
        var schema = (await ToolAsync("add")).GetProperty("inputSchema");

        Assert.Equal(["a", "b"], Strings(schema.GetProperty("required")));
        Assert.Equal(["integer"], Types(schema.GetProperty("properties").GetProperty("a")));
    }

    [Fact]
    public async Task EmptyInputHasAnObjectSchema()
    {
        var schema = (await ToolAsync("fail")).GetProperty("inputSchema");

        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.TryGetProperty("required", out _));
    }

    [Fact]
    public async Task TextToolsHaveNoOutputSchema()
    {
        var tool = await ToolAsync("echo");
        Assert.False(tool.TryGetProperty("outputSchema", out _));

        var result = (await _handler.PostAsync(Http.CallTool(2, "echo", """{"message":"hi"}"""))).Result(2);
        Assert.False(result.TryGetProperty("structuredContent", out _));
    }

    [Fact]
    public async Task RecordResultHasOutputSchemaAndStructuredContent()
    {
        var schema = (await ToolAsync("profile")).GetProperty("outputSchema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal(["name", "email"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "email"], Strings(schema.GetProperty("required")));

        var result = (await _handler.PostAsync(Http.CallTool(3, "profile", """{"name":"Ada"}"""))).Result(3);

        using var expected = JsonDocument.Parse("""{"name":"Ada","email":"ada@example.com"}""");
        var structured = result.GetProperty("structuredContent");
        Assert.True(JsonElement.DeepEquals(expected.RootElement, structured), structured.GetRawText());
        using var text = JsonDocument.Parse(result.FirstText());
        Assert.True(JsonElement.DeepEquals(structured, text.RootElement), result.FirstText());
    }

    [Fact]
    public async Task ArrayResultIsWrappedAsResult()
    {
        var schema = (await ToolAsync("query")).GetProperty("outputSchema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal(["result"], Strings(schema.GetProperty("required")));
        var inner = schema.GetProperty("properties").GetProperty("result");
        Assert.Contains("array", Types(inner));
        Assert.Equal(["name", "email"], inner.GetProperty("items").GetProperty("properties").EnumerateObject().Select(p => p.Name));

        var result = (await _handler.PostAsync(Http.CallTool(4, "query", """{"department":"eng","limit":2}"""))).Result(4);

        using var expected = JsonDocument.Parse("""{"result":[{"name":"Ada","email":"ada@example.com"},{"name":"Grace","email":"grace@example.com"}]}""");
        var structured = result.GetProperty("structuredContent");
        Assert.True(JsonElement.DeepEquals(expected.RootElement, structured), structured.GetRawText());
        using var text = JsonDocument.Parse(result.FirstText());
        Assert.True(JsonElement.DeepEquals(structured, text.RootElement), result.FirstText());
    }

    [Fact]
    public async Task OptionalArgumentMayBeLeftOut()
    {
        var result = (await _handler.PostAsync(Http.CallTool(5, "query", """{"department":"eng"}"""))).Result(5);
        Assert.Equal(3, result.GetProperty("structuredContent").GetProperty("result").GetArrayLength());
    }

    [Fact]
    public async Task ScalarResultIsWrappedAsResult()
    {
        var schema = (await ToolAsync("add")).GetProperty("outputSchema");
        Assert.Equal(["integer"], Types(schema.GetProperty("properties").GetProperty("result")));
    }

    [Fact]
    public void ToolWithoutJsonMetadataFailsAtBuild()
    {
        var builder = McpServer.CreateBuilder("missing", "1.0").Tool<Uri, string>("t", null, _ => "x");
        var e = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("JsonSerializable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateToolNamesFailAtBuild()
    {
        var builder = McpServer.CreateBuilder("dup", "1.0").WithJsonContext(TestJsonContext.Default)
            .Tool<EchoInput, string>("same", null, i => i.Message)
            .Tool<EchoInput, string>("same", null, i => i.Message);
        var e = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("same", e.Message, StringComparison.Ordinal);
    }
}
