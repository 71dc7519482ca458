using System.CommandLine;
using Pmcp.Cli.Testing;
using Pmcp.Cli.Testing.Scenarios;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test run</c>: the declarative scenarios of a YAML file, against a server.</summary>
internal static class TestRunCommand
{
    public static Command Create()
    {
        var options = new TestOptions();
        var file = new Argument<string>("scenarios-file") { Description = "The scenarios file (YAML), such as scenarios.yaml." };
        var command = new Command("run", """
            Run the scenarios of a YAML file against a server: each scenario in a session of its own, its steps in order.
            A step calls a tool (call: NAME, arguments: {...}) or any method (method: resources/read, params: {...}) and
            says what the answer must be: isError: true|false, contains: a text (or a list) the text content must contain,
            jsonPath: { "$.structuredContent.total": 3 } values the result must hold, or error: -32602 (a JSON-RPC error
            instead of a result). With no expect, the answer must be a result. A mistake in the file is reported with its
            line. Make a starting file with dotnet pmcp test generate.

            Exit code 0 when every step held, 1 when one did not, 2 when the file or the server could not be used.

            Example scenarios.yaml:
              scenarios:
                - name: echo answers
                  steps:
                    - call: echo
                      arguments: { text: hello }
                      expect: { isError: false, contains: hello }

            Examples:
              dotnet pmcp test run scenarios.yaml samples/HelloWorld --native
              dotnet pmcp test run scenarios.yaml http://127.0.0.1:8787/mcp --format junit > scenarios.xml
            """)
        {
            file,
        };
        options.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            return await TestOptions.GuardAsync("scenarios", async () =>
            {
                var scenarios = ScenarioParser.Read(parse.GetValue(file)!);
                var key = options.ReadBearer(parse);
                IReadOnlyList<CheckResult> results;
                Uri endpoint;
                await using (var target = await TestTarget.OpenAsync(parse.GetValue(options.Target)!, parse.GetValue(options.Native), parse.GetValue(options.ApiKeyEnv), TimeSpan.FromSeconds(parse.GetValue(options.StartTimeout)), cancellationToken))
                {
                    endpoint = target.Endpoint;
                    using var client = new McpHttpClient(endpoint, key, TimeSpan.FromSeconds(parse.GetValue(options.Timeout)));
                    results = await new ScenarioRunner(client).RunAsync(scenarios, cancellationToken);
                }

                var title = $"dotnet pmcp test run {scenarios.Path}";
                switch (parse.GetValue(options.Format))
                {
                    case "json":
                        Console.WriteLine(CheckReport.ToJson(endpoint.ToString(), results, strict: false));
                        break;
                    case "junit":
                        Console.WriteLine(CheckReport.ToJUnit(endpoint.ToString(), results, strict: false, suiteName: title, className: "pmcp.scenarios"));
                        break;
                    default:
                        CheckReport.WriteText(AnsiConsole.Console, endpoint.ToString(), results, title);
                        break;
                }

                return CheckReport.ExitCode(results, strict: false);
            }, cancellationToken);
        });
        return command;
    }
}
