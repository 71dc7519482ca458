using System.Text.Json.Nodes;
using HelloWorld;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.IntegrationTests;

/// <summary>The official TypeScript MCP client against the HelloWorld sample on the native host.</summary>
public sealed class HelloWorldClientTests
{
    [Fact]
    public async Task ClientNegotiatesListsAndCallsTheChaptersTools()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await RunAsync(server.McpUrl, [
            Op("listTools"),
            Op("callTool", new { name = "echo", arguments = new { message = "héllo \"world\"" } }),
            Op("callTool", new { name = "query", arguments = new { department = "engineering" } }),
            Op("ping"),
        ]);

        Assert.Null(run.ConnectError);
        Assert.Equal("2025-11-25", run.ProtocolVersion);
        Assert.Equal("hello-world", run.ServerVersion["name"]!.GetValue<string>());
        Assert.NotNull(run.Capabilities["tools"]);

        var tools = run.Result(0)["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order().ToArray();
        Assert.Equal(["echo", "query"], tools);
        var query = run.Result(0)["tools"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "query")!;
        Assert.Equal("Department to list, such as \"engineering\"", query["inputSchema"]!["properties"]!["department"]!["description"]!.GetValue<string>());
        Assert.Equal("department", query["inputSchema"]!["required"]![0]!.GetValue<string>());

        Assert.Equal("héllo \"world\"", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());

        var users = run.Result(2)["structuredContent"]!["result"]!.AsArray();
        Assert.Equal(["Ada Lovelace", "Grace Hopper"], users.Select(u => u!["name"]!.GetValue<string>()));
        Assert.Equal(JsonNode.Parse(run.Result(2)["content"]![0]!["text"]!.GetValue<string>())!.ToJsonString(), run.Result(2)["structuredContent"]!.ToJsonString());

        Assert.Empty(run.Result(3));
    }

    [Fact]
    public async Task BadArgumentsComeBackAsAToolErrorTheModelCanRead()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await RunAsync(server.McpUrl, [
            Op("callTool", new { name = "echo", arguments = new { message = 42 } }),
            Op("callTool", new { name = "echo", arguments = new { } }),
            Op("callTool", new { name = "no_such_tool", arguments = new { } }),
            Op("callTool", new { name = "echo", arguments = new { message = "still serving" } }),
        ]);

        Assert.True(run.Result(0)["isError"]!.GetValue<bool>());
        Assert.Contains("'message' must be string", run.Result(0)["content"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(run.Result(1)["isError"]!.GetValue<bool>());
        Assert.Contains("missing required property 'message'", run.Result(1)["content"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(-32602, run.Error(2)["code"]!.GetValue<int>());
        Assert.Contains("no_such_tool", run.Error(2)["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("still serving", run.Result(3)["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ApiKeyIsRequiredWhenConfigured()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer(), o => o.Vars["MCP_API_KEY"] = "test-key-123");

        var refused = await RunAsync(server.McpUrl, [Op("ping")], "Authorization: Bearer wrong-key");
        var accepted = await RunAsync(server.McpUrl, [Op("callTool", new { name = "echo", arguments = new { message = "authorized" } })], "Authorization: Bearer test-key-123");

        Assert.NotNull(refused.ConnectError);
        Assert.Equal(401, refused.ConnectErrorCode);
        Assert.Contains("Unauthorized", refused.ConnectError, StringComparison.Ordinal);
        Assert.DoesNotContain("test-key-123", refused.Output.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(accepted.ConnectError);
        Assert.Equal("authorized", accepted.Result(0)["content"]![0]!["text"]!.GetValue<string>());
    }
}
