using Pmcp.Cli.Deploy;
using Pmcp.Cli.Processes;
using Tomlyn;
using Tomlyn.Model;

namespace Pmcp.Cli.Tests;

/// <summary>
/// The structured request log on the CLI's side (issue 19): deploy.toml's <c>[logging]</c>, overridable per
/// environment, becomes the Worker's vars; dev's one-line summary; <c>deploy logs --outcome</c>'s filter.
/// </summary>
public sealed class RequestLogConfigTests
{
    private const string DeployToml = """
        [workers]
        name = "my-mcp-server"
        compatibility_date = "2024-01-01"

        [workers.vars]
        ENVIRONMENT = "development"

        [logging]
        requests = "all"
        argument_names = true

        [env.staging]
        name = "my-mcp-server-staging"

        [env.staging.logging]
        exception_messages = true

        [env.production]
        name = "my-mcp-server-prod"

        [env.production.logging]
        requests = "errors"
        sample_rate = 0.5
        """;

    private const string OkLine = """{"mcp":"tool_call","method":"tools/call","name":"echo","id":1,"outcome":"ok","durationMs":1.5,"requestId":"aaaaaaaaaaaaaaaa"}""";

    private const string ErrorLine = """{"mcp":"tool_call","method":"tools/call","name":"boom","id":2,"outcome":"tool_error","durationMs":12.25,"requestId":"bbbbbbbbbbbbbbbb"}""";

    [Fact]
    public void LoggingBecomesTheWorkersVarsAndAnEnvironmentOverridesIt()
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = DeployToml;

        project.Deploy.SyncWrangler();

        var wrangler = TomlSerializer.Deserialize<TomlTable>(project.WranglerToml)!;
        var vars = Assert.IsType<TomlTable>(wrangler["vars"]);
        Assert.Equal("all", vars["PMCP_REQUEST_LOG"]);
        Assert.Equal("true", vars["PMCP_REQUEST_LOG_ARGUMENT_NAMES"]);
        Assert.False(vars.ContainsKey("PMCP_REQUEST_LOG_SAMPLE_RATE"));
        var env = Assert.IsType<TomlTable>(wrangler["env"]);
        var staging = Assert.IsType<TomlTable>(Assert.IsType<TomlTable>(env["staging"])["vars"]);
        Assert.Equal("all", staging["PMCP_REQUEST_LOG"]);
        Assert.Equal("true", staging["PMCP_LOG_EXCEPTION_MESSAGES"]);
        Assert.False(vars.ContainsKey("PMCP_LOG_EXCEPTION_MESSAGES"));
        var production = Assert.IsType<TomlTable>(Assert.IsType<TomlTable>(env["production"])["vars"]);
        Assert.Equal("errors", production["PMCP_REQUEST_LOG"]);
        Assert.Equal("0.5", production["PMCP_REQUEST_LOG_SAMPLE_RATE"]);
        Assert.Equal("true", production["PMCP_REQUEST_LOG_ARGUMENT_NAMES"]);
        Assert.False(production.ContainsKey("PMCP_LOG_EXCEPTION_MESSAGES"));
    }

    [Theory]
    [InlineData("requests = \"verbose\"", "requests must be \"off\", \"errors\" or \"all\"")]
    [InlineData("sample_rate = 2", "sample_rate is the share")]
    [InlineData("argument_names = \"yes\"", "argument_names must be true or false")]
    [InlineData("exception_messages = \"yes\"", "exception_messages must be true or false")]
    [InlineData("level = \"all\"", "unknown key [logging] level")]
    public void BadLoggingSettingsAreClearErrors(string line, string message)
    {
        using var project = TempProject.WithWorkersFolder();
        project.DeployToml = "[workers]\nname = \"my-mcp-server\"\ncompatibility_date = \"2024-01-01\"\n\n[logging]\n" + line + "\n";
        var error = Assert.Throws<CliException>(() => project.Deploy.SyncWrangler());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDevSummaryIsOneReadableLine()
    {
        Assert.Equal("  tools/call echo  ok  1.5 ms", DevRequestSummary.Of(OkLine));
        Assert.Equal("  tools/call boom  tool_error  12 ms", DevRequestSummary.Of("[wrangler:inf] " + ErrorLine));
        Assert.Equal("  tools/list  error -32601  0.25 ms", DevRequestSummary.Of("""{"mcp":"request","method":"tools/list","id":3,"outcome":"error","code":-32601,"durationMs":0.25}"""));
        Assert.Equal("  (not JSON-RPC)  refused 401  0.1 ms", DevRequestSummary.Of("""{"mcp":"http_request","outcome":"refused","status":401,"durationMs":0.1}"""));
        Assert.Null(DevRequestSummary.Of("a user's own line"));
        Assert.Null(DevRequestSummary.Of("{\"mcp\":\"broken"));
    }

    [Fact]
    public void TheOutcomeFilterKeepsMatchingLinesWithTheirInvocationInPrettyOutput()
    {
        var errors = new TailOutcomeFilter("error", json: false);
        using var writer = new StringWriter();
        foreach (var line in new[]
        {
            "POST https://x.workers.dev/mcp - Ok @ 07/12/2026, 18:00:00", "  (log) [aaaaaaaaaaaaaaaa] hello", "  (log) " + OkLine,
            "POST https://x.workers.dev/mcp - Ok @ 07/12/2026, 18:00:01", "  (error) " + ErrorLine,
        })
        {
            errors.Relay(line, writer);
        }

        Assert.Equal(["POST https://x.workers.dev/mcp - Ok @ 07/12/2026, 18:00:01", "  (error) " + ErrorLine], writer.ToString().TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public void TheOutcomeFilterPassesMatchingJsonEventsThroughWhole()
    {
        var ok = new TailOutcomeFilter("ok", json: true);
        using var writer = new StringWriter();
        string Event(string line) => $$"""
            {
              "outcome": "ok",
              "logs": [
                {
                  "message": [
                    {{System.Text.Json.JsonSerializer.Serialize(line)}}
                  ],
                  "level": "log"
                }
              ]
            }
            """;
        foreach (var line in (Event(ErrorLine) + "\n" + Event(OkLine)).Split('\n'))
        {
            ok.Relay(line, writer);
        }

        var output = writer.ToString();
        Assert.Contains("aaaaaaaaaaaaaaaa", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bbbbbbbbbbbbbbbb", output, StringComparison.Ordinal);
        Assert.Equal(Event(OkLine).Trim(), output.Trim().ReplaceLineEndings("\n"));
    }
}
