using System.Text.Json;
using Pmcp.Protocol;
using Pmcp.Server;

namespace Conformance;

/// <summary>Every tool, resource and prompt the conformance suite's server scenarios call, with the values they expect.</summary>
public sealed class ConformanceServer : IMcpServerFactory
{
    private static readonly string[] CompletionCandidates = ["test", "testing", "tested"];

    public static McpServer CreateServer()
    {
        var builder = McpServer.CreateBuilder("pmcp-conformance", "1.0.0")
            .WithJsonContext(ConformanceJsonContext.Default)
            .WithInstructions("Fixtures for the official MCP conformance suite.");
        ConformanceTools.Add(builder);
        ConformanceResources.Add(builder);
        ConformancePrompts.Add(builder);
        ConformanceInputTools.Add(builder);
        return builder
            .Completion((request, _) => ValueTask.FromResult(new Completion(
                [.. CompletionCandidates.Where(v => v.StartsWith(request.ArgumentValue, StringComparison.Ordinal))])))
            .Build();
    }

    internal static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
