using System.Globalization;
using System.Text.Json;

namespace Pmcp.Cli.Processes;

/// <summary>
/// <c>dotnet pmcp dev</c>'s one line per MCP message, in both hosts: made from the Worker's own structured request
/// line (<c>{"mcp":…}</c>, which <c>dev</c> turns on with <c>PMCP_REQUEST_LOG=all</c> unless the project sets it),
/// so the terminal shows what Workers Logs would index, readable at a glance.
/// </summary>
internal static class DevRequestSummary
{
    /// <summary>The var dev sets for the Worker unless the project sets it.</summary>
    public const string LevelVar = "PMCP_REQUEST_LOG";

    private const string Marker = "{\"mcp\":\"";

    /// <summary>
    /// True when the project chose its request log itself (<c>PMCP_REQUEST_LOG</c> in wrangler.toml, .dev.vars or
    /// deploy.toml's <c>[logging]</c>): dev then leaves it as it is.
    /// </summary>
    public static bool ProjectSetsLevel(string projectDirectory) =>
        new[] { "wrangler.toml", ".dev.vars", Path.Combine(".pmcp", "deploy.toml") }
            .Select(file => Path.Combine(projectDirectory, file))
            .Any(path => File.Exists(path) && File.ReadAllText(path) is var text
                && (text.Contains(LevelVar, StringComparison.Ordinal) || (path.EndsWith("deploy.toml", StringComparison.Ordinal) && text.Contains("[logging]", StringComparison.Ordinal))));

    /// <summary>The summary of <paramref name="line"/> when it is a structured request line; null for any other line.</summary>
    public static string? Of(string line)
    {
        var at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line.AsMemory(at));
            var root = document.RootElement;
            var method = Text(root, "method") ?? "(not JSON-RPC)";
            var name = Text(root, "name");
            var outcome = Text(root, "outcome") ?? "?";
            var detail = outcome switch
            {
                "error" when Number(root, "code") is { } code => $"error {code}",
                "refused" => $"refused {Number(root, "status")?.ToString(CultureInfo.InvariantCulture) ?? "?"}"
                    + (Number(root, "code") is { } refusal ? $" ({refusal})" : ""),
                _ => outcome,
            };
            var duration = root.TryGetProperty("durationMs", out var ms) && ms.TryGetDouble(out var value)
                ? value.ToString(value < 10 ? "0.0#" : "0", CultureInfo.InvariantCulture) + " ms"
                : "";
            return $"  {method}{(name is null ? "" : " " + name)}  {detail}  {duration}".TrimEnd();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.TryGetInt32(out var number) ? number : null;
}
