using System.Text.Json.Nodes;

namespace PmcpServer.Tests;

public sealed class ToolsTests
{
    private readonly McpClient _client = new(PmcpServerTools.CreateServer());

    [Fact]
    public async Task ListsEchoAndQueryWithTheirSchemas()
    {
        var result = await _client.RequestAsync("tools/list");

        var tools = result.GetProperty("tools").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["echo", "query"], tools.Keys.Order());
        var echoInput = tools["echo"].GetProperty("inputSchema");
        Assert.Equal("string", echoInput.GetProperty("properties").GetProperty("message").GetProperty("type").GetString());
        Assert.Equal("message", echoInput.GetProperty("required")[0].GetString());
    }

    [Fact]
    public async Task EchoReturnsItsMessage()
    {
        var result = await _client.CallToolAsync("echo", new() { ["message"] = "hello" });

        Assert.Equal("hello", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task QueryListsTheUsersOfADepartment()
    {
        var result = await _client.CallToolAsync("query", new() { ["department"] = "engineering" });

        var users = result.GetProperty("structuredContent").GetProperty("result").EnumerateArray();
        Assert.Equal(["Ada Lovelace", "Grace Hopper"], users.Select(u => u.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task AMissingArgumentIsInvalidParamsNamingIt()
    {
        var answer = await _client.SendAsync("tools/call", new() { ["name"] = "query", ["arguments"] = new JsonObject() });

        var error = answer.GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("'department'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
