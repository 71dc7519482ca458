using System.Text.Json;
using Conformance;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary>
/// Servers that need a credential: <c>test conformance</c> relays an API key or an OAuth access token to the official
/// suite (which sends none itself), <c>test check</c> sends an access token with <c>--token-env</c>, and a missing
/// credential is one clear error that names the option to pass. The credential never appears in any output.
/// </summary>
public sealed class CredentialTests
{
    private const string Key = "relay-key-5813";
    private const string Resource = "https://conformance.test/mcp";
    private static readonly string[] Scenarios = ["--scenario", "server-initialize", "--scenario", "tools-call-simple-text", "--scenario", "resources-read-text"];

    [Fact]
    public async Task AnApiKeyProtectedServerPassesConformanceThroughTheRelay()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), o => o.Vars["MCP_API_KEY"] = Key);

        var run = await Conformance(new() { ["SUITE_KEY"] = Key }, server.McpUrl, "--api-key-env", "SUITE_KEY", "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        AssertAllPassed(run, 3);
        Assert.DoesNotContain(Key, run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheKeyConformanceStopsAndNamesTheFix()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), o => o.Vars["MCP_API_KEY"] = Key);

        var run = await Conformance([], server.McpUrl);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("answered 401 Unauthorized: it needs a credential", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("--api-key-env MCP_API_KEY", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("--token-env", run.StdErr, StringComparison.Ordinal);
        Assert.Equal("", run.StdOut.Trim());
    }

    [Fact]
    public async Task AWrongKeyIsRefusedBeforeTheSuiteRuns()
    {
        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), o => o.Vars["MCP_API_KEY"] = Key);

        var run = await Conformance(new() { ["SUITE_KEY"] = "not-" + Key }, server.McpUrl, "--api-key-env", "SUITE_KEY");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("answered 401 Unauthorized to the credential sent", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOAuthServerPassesConformanceAndCheckWithAnAccessToken()
    {
        await using var issuer = await FakeIssuer.StartAsync();
        void SignedIn(Pmcp.Workers.Local.Hosting.NativeHostOptions o)
        {
            o.Vars["PMCP_AUTH_MODE"] = "oauth";
            o.Vars["PMCP_OAUTH_ISSUER"] = issuer.Issuer;
            o.Vars["PMCP_OAUTH_RESOURCE"] = Resource;
            o.Vars["PMCP_OAUTH_SCOPES"] = "mcp";
        }

        await using var server = await NativeServer.StartAsync(ConformanceServer.CreateServer(), SignedIn);
        // test check calls every tool; the conformance fixtures' tools wait for the client (sampling, elicitation), so it checks HelloWorld.
        await using var hello = await NativeServer.StartAsync(HelloWorld.HelloWorldServer.CreateServer(), SignedIn);
        var token = issuer.Mint(Resource, "tester", "mcp");
        var environment = new Dictionary<string, string> { ["MCP_ACCESS_TOKEN"] = token };

        var conformance = await Conformance(environment, server.McpUrl, "--token-env", "MCP_ACCESS_TOKEN", "--format", "json");
        var check = await CheckRun.RunAsync(environment, TimeSpan.FromMinutes(2), hello.McpUrl, "--token-env", "MCP_ACCESS_TOKEN", "--format", "json");
        var withoutToken = await CheckRun.RunAsync(hello.McpUrl);
        var foreignAudience = await CheckRun.RunAsync(new Dictionary<string, string> { ["MCP_ACCESS_TOKEN"] = issuer.Mint("https://other.test/mcp", "tester", "mcp") },
            TimeSpan.FromMinutes(2), hello.McpUrl, "--token-env", "MCP_ACCESS_TOKEN");

        Assert.True(conformance.ExitCode == 0, conformance.ToString());
        AssertAllPassed(conformance, 3);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains(check.Checks(), c => c is { Name: "2025-11-25 tools/call echo (valid)", Outcome: "pass" });
        Assert.True(withoutToken.ExitCode == 2, withoutToken.ToString());
        Assert.Contains("--token-env MCP_ACCESS_TOKEN", withoutToken.StdErr, StringComparison.Ordinal);
        Assert.True(foreignAudience.ExitCode == 2, foreignAudience.ToString());
        Assert.Contains("to the credential sent", foreignAudience.StdErr, StringComparison.Ordinal);
        foreach (var run in new[] { conformance, check, foreignAudience })
        {
            Assert.DoesNotContain(token, run.StdOut + run.StdErr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnApiKeyAndATokenTogetherAreRefused()
    {
        var run = await CheckRun.RunAsync(new Dictionary<string, string> { ["A"] = "a", ["B"] = "b" }, TimeSpan.FromMinutes(2),
            "http://127.0.0.1:9/mcp", "--api-key-env", "A", "--token-env", "B");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("either --api-key-env", run.StdErr, StringComparison.Ordinal);
    }

    private static Task<CheckRun> Conformance(Dictionary<string, string> environment, string url, params string[] more) =>
        CheckRun.TestAsync(TimeSpan.FromMinutes(5), environment, ["conformance", url, .. Scenarios, .. more]);

    private static void AssertAllPassed(CheckRun run, int count)
    {
        using var document = JsonDocument.Parse(run.StdOut);
        var scenarios = document.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(count, scenarios.Count);
        Assert.All(scenarios, s => Assert.Equal("pass", s.GetProperty("outcome").GetString()));
    }
}
