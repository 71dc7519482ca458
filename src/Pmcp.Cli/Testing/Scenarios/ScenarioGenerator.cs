using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pmcp.Cli.Testing.Scenarios;

/// <summary>
/// A starting scenarios file made from a server's <c>tools/list</c>: one scenario per tool, calling it with valid
/// arguments made from its input schema and expecting a result that is not an error. Tools that are not annotated
/// read-only are left out unless asked for: a scenario kept in CI must not cause side effects by accident.
/// </summary>
internal static class ScenarioGenerator
{
    /// <summary>The YAML text, and the names of the tools left out (not read-only).</summary>
    public static async Task<(string Yaml, IReadOnlyList<string> LeftOut)> GenerateAsync(McpHttpClient client, bool allTools, CancellationToken cancellationToken)
    {
        var session = await McpConnection.OpenAsync(client, cancellationToken);
        var (tools, failure) = await session.ListAsync("tools/list", "tools", cancellationToken);
        if (failure is not null)
        {
            throw new CliException($"tools/list failed: {failure.Describe()}. dotnet pmcp test check {client.Endpoint} says more.");
        }

        var leftOut = new List<string>();
        var yaml = new StringBuilder();
        yaml.AppendLine(CultureInfo.InvariantCulture, $"# Made by dotnet pmcp test generate from the server's tools/list (protocol revision {session.Version}).");
        yaml.AppendLine("# Run: dotnet pmcp test run scenarios.yaml <url|project-dir>. Each step calls a tool and checks the answer:");
        yaml.AppendLine("#   expect: { isError: false, contains: <text>, jsonPath: { \"$.structuredContent.x\": <value> } } or { error: -32602 }.");
        yaml.AppendLine("# The arguments are made from each tool's input schema; replace them with realistic ones and add expectations.");
        yaml.AppendLine("scenarios:");
        foreach (var tool in tools)
        {
            var name = tool.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            if (name is null)
            {
                continue;
            }

            var readOnly = tool.TryGetProperty("annotations", out var annotations) && annotations.ValueKind == JsonValueKind.Object
                && annotations.TryGetProperty("readOnlyHint", out var hint) && hint.ValueKind == JsonValueKind.True;
            if (!readOnly && !allTools)
            {
                leftOut.Add(name);
                continue;
            }

            var schema = tool.TryGetProperty("inputSchema", out var s) && s.ValueKind == JsonValueKind.Object ? s : JsonDocument.Parse("{}").RootElement;
            JsonObject arguments;
            try
            {
                arguments = ArgumentGenerator.Valid(schema);
            }
            catch (InvalidCastException)
            {
                arguments = [];
            }

            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - name: {Quote(name + " answers valid arguments")}");
            yaml.AppendLine("    steps:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"      - call: {Quote(name)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"        arguments: {arguments.ToJsonString()}");
            yaml.AppendLine("        expect:");
            yaml.AppendLine("          isError: false");
        }

        if (leftOut.Count > 0)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"# Not annotated readOnlyHint: true, so left out (dotnet pmcp test generate --all-tools includes them): {string.Join(", ", leftOut)}");
        }

        if (tools.Count == leftOut.Count)
        {
            // Nothing to call: a scenario that lists the tools keeps the file runnable.
            yaml.AppendLine("  - name: the server lists its tools");
            yaml.AppendLine("    steps:");
            yaml.AppendLine("      - method: tools/list");
        }

        return (yaml.ToString(), leftOut);
    }

    /// <summary>A YAML double-quoted scalar: JSON's string escapes are YAML's too.</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text, ScenarioJsonContext.Default.String);
}
