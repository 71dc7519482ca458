using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pmcp.FakeCloudflare.Tests;

/// <summary>How a wrangler run ended: exit code, output, and the entries of its output file (WRANGLER_OUTPUT_FILE_PATH).</summary>
internal sealed partial record WranglerRun(string CommandLine, int ExitCode, string StdOut, string StdErr, IReadOnlyList<JsonObject> OutputEntries)
{
    /// <summary>stdout then stderr, without the colours wrangler puts on its error and warning boxes even when not on a terminal.</summary>
    public string Output => AnsiEscape().Replace(StdOut + StdErr, "");

    public IEnumerable<string> StdOutLines => StdOut.Split('\n').Select(line => line.TrimEnd('\r'));

    /// <summary>The output file's entry of that type (<c>deploy</c>, <c>command-failed</c>, …).</summary>
    public JsonObject Entry(string type) =>
        OutputEntries.SingleOrDefault(entry => entry["type"]?.GetValue<string>() == type)
        ?? throw new Xunit.Sdk.XunitException($"{CommandLine} wrote no \"{type}\" entry. Entries:\n{string.Join('\n', OutputEntries)}");

    public WranglerRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"{CommandLine} exited {ExitCode}:\n{Output}");
        return this;
    }

    public override string ToString() => $"{CommandLine} -> {ExitCode}\n{Output}";

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
