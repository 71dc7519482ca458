using System.Text.Json.Nodes;
using Conformance;
using Pmcp.Testing;
using static Pmcp.Testing.McpClientDriver;

namespace Pmcp.IntegrationTests;

/// <summary>Input-required results (MRTR, 2026-07-28) on the native host, over raw HTTP (the official client predates them).</summary>
public sealed class InputRequiredNativeTests
{
    [Fact]
    public async Task EightConcurrentMultiRoundCallsEachResumeWithTheirOwnAnswers()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());
        using var http = new HttpClient();

        var calls = Enumerable.Range(0, 8).Select(i => StatelessCaller.CallAnsweringAsync(http, server.McpUrl, "test_input_required_result_multi_round",
            key => key == "step1" ? new JsonObject { ["name"] = $"user{i}" } : new JsonObject { ["color"] = $"color{i}" }));
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(3, results[i].Rounds);
            Assert.Equal($"user{i} likes color{i}", results[i].Result["content"]![0]!["text"]!.GetValue<string>());
        }
    }

    /// <summary>For the official client (2025-11-25) the same handler asks on the call's stream, and gets the answer.</summary>
    [Fact]
    public async Task TheSameAskingToolElicitsFromTheOfficialClient()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());
        var run = await RunAsync(server.McpUrl, [
            Op("answerElicitations", new { content = new { name = "Ada" } }),
            Op("callTool", new { name = "test_input_required_result_elicitation" }),
        ]);

        Assert.Equal("Hello, Ada!", run.Result(1)["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStateSentWithOtherArgumentsOrAlteredIsRefusedWithInvalidParams()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer());
        using var http = new HttpClient();
        var first = await StatelessCaller.CallAsync(http, server.McpUrl, "tools/call",
            new JsonObject { ["name"] = "test_input_required_result_tampered_state", ["arguments"] = new JsonObject() });
        var state = first["result"]!["requestState"]!.GetValue<string>();
        var answer = new JsonObject { ["confirm"] = new JsonObject { ["action"] = "accept", ["content"] = new JsonObject { ["ok"] = true } } };

        var otherTool = await StatelessCaller.CallAsync(http, server.McpUrl, "tools/call",
            new JsonObject { ["name"] = "test_input_required_result_request_state", ["arguments"] = new JsonObject(), ["requestState"] = state, ["inputResponses"] = answer.DeepClone() });
        var altered = await StatelessCaller.CallAsync(http, server.McpUrl, "tools/call",
            new JsonObject { ["name"] = "test_input_required_result_tampered_state", ["arguments"] = new JsonObject(), ["requestState"] = "x" + state, ["inputResponses"] = answer.DeepClone() });
        var honest = await StatelessCaller.CallAsync(http, server.McpUrl, "tools/call",
            new JsonObject { ["name"] = "test_input_required_result_tampered_state", ["arguments"] = new JsonObject(), ["requestState"] = state, ["inputResponses"] = answer.DeepClone() });

        Assert.Equal(-32602, otherTool["error"]!["code"]!.GetValue<int>());
        Assert.Contains("issued for another request", otherTool["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(-32602, altered["error"]!["code"]!.GetValue<int>());
        Assert.Contains("integrity check", altered["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("confirmed=true", honest["result"]!["content"]![0]!["text"]!.GetValue<string>());
    }
}
