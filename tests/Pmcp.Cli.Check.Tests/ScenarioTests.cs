using System.Text.Json;
using HelloWorld;
using Pmcp.Testing;

namespace Pmcp.Cli.Check.Tests;

/// <summary><c>test generate</c> and <c>test run</c>: declarative scenarios, made from tools/list and run against a server.</summary>
public sealed class ScenarioTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("pmcp-scenarios-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task GeneratedScenariosPassAgainstTheServerTheyCameFrom()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());
        var file = Path.Combine(_folder.FullName, "scenarios.yaml");

        var generate = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "generate", server.McpUrl, "-o", file);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        var yaml = await File.ReadAllTextAsync(file);
        Assert.Contains("call: \"echo\"", yaml, StringComparison.Ordinal);
        Assert.Contains("call: \"query\"", yaml, StringComparison.Ordinal);

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "run", file, server.McpUrl, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.Checks().Count(c => c.Outcome == "pass"));
        Assert.Empty(run.Failed());
    }

    [Fact]
    public async Task TheNewProjectTemplatesScenariosPassAgainstHelloWorldWhichHasTheSameTools()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "run", Path.Combine(RepoPaths.Root, "templates", "pmcp-server", "scenarios.yaml"), server.McpUrl, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(4, run.Checks().Count(c => c.Outcome == "pass"));
    }

    [Fact]
    public async Task AnExpectationThatDoesNotHoldIsNamedWithItsLine()
    {
        await using var server = await NativeServer.StartAsync(HelloWorldServer.CreateServer());
        var file = Write("""
            scenarios:
              - name: echo
                steps:
                  - call: echo
                    arguments: { message: hello }
                    expect: { isError: false, contains: hello }
                  - call: echo
                    arguments: { message: hello }
                    expect:
                      contains: goodbye
                  - call: echo
                    arguments: { message: 42 }
                    expect: { error: -32602 }
            """);

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "run", file, server.McpUrl, "--format", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var checks = run.Checks();
        Assert.Equal("pass", checks.Single(c => c.Name == "echo › step 1: call echo").Outcome);
        var failed = checks.Single(c => c.Name == "echo › step 2: call echo");
        Assert.Equal("fail", failed.Outcome);
        Assert.Contains("does not contain 'goodbye'", failed.Reason, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(run.StdOut);
        var fix = document.RootElement.GetProperty("checks")[1].GetProperty("fix").GetString();
        Assert.Contains("scenarios.yaml:7", fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownToolAnsweredAsSuccessFailsItsScenario()
    {
        await using var server = await FlawedServer.StartAsync(Defect.UnknownToolSucceeds);
        var file = Write("""
            scenarios:
              - name: an unknown tool is refused
                steps:
                  - call: no-such-tool
                    expect: { error: -32602 }
            """);

        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "run", file, server.McpUrl, "--format", "junit");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("<failure message=\"expected JSON-RPC error -32602, got HTTP 200, a result\"", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("name=\"an unknown tool is refused › step 1: call no-such-tool\"", run.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scenarios:\n  - name: x\n    steps:\n      - call: echo\n        expct: { isError: false }\n", "scenarios.yaml:5: unknown key 'expct' here; expected one of: call, arguments, method, params, expect")]
    [InlineData("scenarios:\n  - name: x\n    steps:\n      - call: echo\n        method: tools/list\n", "scenarios.yaml:4: a step needs exactly one of 'call: <tool>' and 'method: <JSON-RPC method>'")]
    [InlineData("scenarios:\n  - name: x\n    steps:\n      - call: echo\n        expect: { error: not-a-code }\n", "scenarios.yaml:5: 'error' must be a JSON-RPC error code")]
    [InlineData("scenarios:\n  - name: x\n    steps:\n      - call: echo\n        expect: { jsonPath: { \"a.b\": 1 } }\n", "scenarios.yaml:5: 'a.b' is not a JSON path")]
    [InlineData("scenarios:\n  - name: x\n    steps: [\n", "scenarios.yaml:4: not valid YAML")]
    [InlineData("name: only a name\n", "scenarios.yaml:1: 'scenarios' is missing")]
    public async Task AMistakeInTheFileIsReportedWithItsLine(string yaml, string message)
    {
        var file = Write(yaml);

        // No server is needed: the file is read first. The URL is never reached.
        var run = await CheckRun.TestAsync(TimeSpan.FromMinutes(2), "run", file, "http://127.0.0.1:9/mcp");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StdErr, StringComparison.Ordinal);
    }

    private string Write(string yaml)
    {
        var path = Path.Combine(_folder.FullName, "scenarios.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
