using Conformance;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.IntegrationTests;

/// <summary>The official TypeScript client against the Conformance sample: notifications over SSE, resources, prompts, completion.</summary>
public sealed class ConformanceClientTests
{
    [Fact]
    public async Task ProgressAndLogsArriveBeforeTheResult()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());

        var run = await RunAsync(server.McpUrl, [
            Op("callTool", new { name = "test_tool_with_progress", progress = true }),
            Op("setLoggingLevel", new { level = "debug" }),
            Op("callTool", new { name = "test_tool_with_logging" }),
        ]);

        var progress = run.Progress(0).Select(p => p!["progress"]!.GetValue<double>()).ToArray();
        Assert.Equal([0.0, 50.0, 100.0], progress);
        Assert.Equal("Completed step 50 of 100", run.Progress(0)[1]!["message"]!.GetValue<string>());
        Assert.Equal(
            ["Tool execution started", "Tool processing data", "Tool execution completed"],
            run.Logs(2).Select(l => l!["data"]!.GetValue<string>()));
        Assert.Equal("Tool with logging executed successfully", run.Result(2)["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourcesPromptsAndCompletionAnswerAsSpecified()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());

        var run = await RunAsync(server.McpUrl, [
            Op("listResources"),
            Op("listResourceTemplates"),
            Op("readResource", new { uri = "test://template/123/data" }),
            Op("readResource", new { uri = "test://static-binary" }),
            Op("readResource", new { uri = "test://missing" }),
            Op("getPrompt", new { name = "test_prompt_with_arguments", arguments = new { arg1 = "a", arg2 = "b" } }),
            Op("getPrompt", new { name = "test_prompt_with_arguments", arguments = new { arg1 = "a" } }),
            Op("complete", new { @ref = new { type = "ref/prompt", name = "test_prompt_with_arguments" }, argument = new { name = "arg1", value = "testi" } }),
        ]);

        Assert.Equal(
            ["test://static-binary", "test://static-text", "test://watched-resource"],
            run.Result(0)["resources"]!.AsArray().Select(r => r!["uri"]!.GetValue<string>()).Order());
        Assert.Equal("test://template/{id}/data", run.Result(1)["resourceTemplates"]![0]!["uriTemplate"]!.GetValue<string>());
        Assert.Equal("""{"id":"123","templateTest":true,"data":"Data for ID: 123"}""", run.Result(2)["contents"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("image/png", run.Result(3)["contents"]![0]!["mimeType"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(run.Result(3)["contents"]![0]!["blob"]!.GetValue<string>()));
        Assert.Equal(-32002, run.Error(4)["code"]!.GetValue<int>());
        Assert.Equal("Prompt with arguments: arg1='a', arg2='b'", run.Result(5)["messages"]![0]!["content"]!["text"]!.GetValue<string>());
        Assert.Equal(-32602, run.Error(6)["code"]!.GetValue<int>());
        Assert.Contains("arg2", run.Error(6)["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["testing"], run.Result(7)["completion"]!["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }
}
