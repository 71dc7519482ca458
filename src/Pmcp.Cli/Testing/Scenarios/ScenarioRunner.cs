using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>
/// Runs a scenarios file against a server: each scenario in a session of its own, its steps in order; each step
/// becomes one row of the report (a <see cref="CheckResult"/> named <c>scenario › step N: call tool</c>).
/// </summary>
internal sealed class ScenarioRunner(McpHttpClient client)
{
    /// <summary>Every step's result, in file order.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(ScenarioFile file, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        foreach (var scenario in file.Scenarios)
        {
            var session = await McpConnection.OpenAsync(client, cancellationToken);
            for (var i = 0; i < scenario.Steps.Count; i++)
            {
                var step = scenario.Steps[i];
                var name = $"{scenario.Name} › step {i + 1}: {step.Label}";
                McpReply reply;
                try
                {
                    reply = await session.RequestAsync(step.Method, (JsonObject)step.Parameters.DeepClone(), cancellationToken);
                }
                catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
                {
                    reply = McpReply.NoAnswer;
                }

                var problems = Judge(step.Expect, reply);
                results.Add(problems.Count == 0
                    ? new CheckResult(name, CheckOutcome.Pass, reply.Describe())
                    : new CheckResult(name, CheckOutcome.Fail, string.Join("; ", problems), $"{file.Path}:{step.Line}: fix the server, or the expectation if the server is right."));
            }
        }

        return results;
    }

    /// <summary>What does not hold of <paramref name="expect"/> in <paramref name="reply"/>; empty when everything does.</summary>
    public static List<string> Judge(ScenarioExpectation expect, McpReply reply)
    {
        var problems = new List<string>();
        if (expect.ErrorCode is { } code)
        {
            if (reply.ErrorCode != code)
            {
                problems.Add($"expected JSON-RPC error {code}, got {reply.Describe()}");
            }

            return problems;
        }

        if (reply.Result is not { } result)
        {
            problems.Add($"expected a result, got {reply.Describe()}");
            return problems;
        }

        var isError = result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out var e) && e.ValueKind == JsonValueKind.True;
        if (expect.IsError is { } wanted && wanted != isError)
        {
            problems.Add($"expected isError: {(wanted ? "true" : "false")}, got {(isError ? "true" : "false")} ({Shorten(Text(result))})");
        }

        var text = Text(result);
        foreach (var needle in expect.Contains)
        {
            if (!text.Contains(needle, StringComparison.Ordinal))
            {
                problems.Add($"the text content does not contain '{needle}' (it is: {Shorten(text)})");
            }
        }

        foreach (var (path, value) in expect.JsonPaths)
        {
            var found = ResultPath.Select(result, path);
            var expected = JsonSerializer.SerializeToElement(value, ScenarioJsonContext.Default.JsonNode);
            if (found is not { } actual)
            {
                problems.Add($"{path}: not in the result");
            }
            else if (!JsonElement.DeepEquals(actual, expected))
            {
                problems.Add($"{path}: expected {expected.GetRawText()}, got {Shorten(actual.GetRawText())}");
            }
        }

        return problems;
    }

    /// <summary>The result's text content items, joined by newlines.</summary>
    private static string Text(JsonElement result) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
            ? string.Join('\n', content.EnumerateArray()
                .Where(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(c => c.GetProperty("text").GetString()))
            : "";

    private static string Shorten(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}
