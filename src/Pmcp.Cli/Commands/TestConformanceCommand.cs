using System.CommandLine;
using Pmcp.Cli.Testing;
using Pmcp.Cli.Tools;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test conformance</c>: the official MCP conformance suite, pinned, summarised.</summary>
internal static class TestConformanceCommand
{
    public static Command Create()
    {
        var options = new TestOptions();
        var specVersions = new Option<string[]>("--spec-version")
        {
            Description = "Run the scenarios of this protocol revision (2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28); repeat for several. Default: the suite's own choice.",
            AllowMultipleArgumentsPerToken = false,
        };
        var scenarios = new Option<string[]>("--scenario") { Description = "Run only this scenario (such as tools-call-simple-text); repeat for several. Default: the whole --suite." };
        var suite = new Option<string>("--suite") { Description = "Which scenarios: active (released ones), all (with pending and draft), draft, or pending.", DefaultValueFactory = _ => "active" };
        suite.AcceptOnlyFromAmong("active", "all", "draft", "pending");
        var expectedFailures = new Option<string?>("--expected-failures") { Description = "A YAML baseline of scenarios known to fail (the suite's format): they do not fail the run, and one that passes again does." };
        var verbose = new Option<bool>("--verbose") { Description = "Show the suite's own output as it runs." };

        var command = new Command("conformance", $"""
            Run the official MCP conformance suite (@modelcontextprotocol/conformance {PinnedTools.Conformance}, pinned, installed
            into the tools cache on first use like wrangler, run with a Node 22) against a server, and summarise it: one row
            per scenario with its checks passed and failed, its warnings, and what failed.

            The suite's scenarios call the tools, resources and prompts of its reference fixtures (test_simple_text,
            test://static-text, …): a server that has none of them fails those scenarios. samples/Conformance implements
            them; for your own server, pick the scenarios that apply (--scenario) or keep a baseline (--expected-failures).
            The suite sends no Authorization header: test a server that needs no key (a project folder is served without one).

            Exit code 0 when no check failed, 1 when one did, 2 when the suite could not run.

            Examples:
              dotnet pmcp test conformance samples/Conformance --native
              dotnet pmcp test conformance http://127.0.0.1:8787/mcp --spec-version 2025-11-25 --spec-version 2026-07-28
              dotnet pmcp test conformance http://127.0.0.1:8787/mcp --scenario server-initialize --scenario tools-list --format junit
            """)
        {
            specVersions, scenarios, suite, expectedFailures, verbose,
        };
        options.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(options.ApiKeyEnv) is not null)
            {
                Console.Error.WriteLine("error: the conformance suite sends no Authorization header, so it cannot test a server that needs an API key. Run it against the project folder (served without a key) or a deployment without one; dotnet pmcp test check and run take --api-key-env.");
                return 2;
            }

            return await TestOptions.GuardAsync("suite", async () =>
            {
                // Progress on stderr: stdout is the report, which may be JSON or XML.
                var runner = await ConformanceRunner.EnsureAsync(step => Console.Error.WriteLine(step + "…"), cancellationToken);
                IReadOnlyList<ConformanceScenario> results;
                Uri endpoint;
                await using (var target = await TestTarget.OpenAsync(parse.GetValue(options.Target)!, parse.GetValue(options.Native), null, TimeSpan.FromSeconds(parse.GetValue(options.StartTimeout)), cancellationToken))
                {
                    endpoint = target.Endpoint;
                    var showAll = parse.GetValue(verbose);
                    results = await runner.RunAsync(
                        endpoint, parse.GetValue(specVersions) ?? [], parse.GetValue(scenarios) ?? [], parse.GetValue(suite)!, parse.GetValue(expectedFailures),
                        TimeSpan.FromSeconds(parse.GetValue(options.Timeout)),
                        line =>
                        {
                            // The suite's progress on stderr; everything else only with --verbose (the report follows).
                            if (showAll || line.StartsWith("Running ", StringComparison.Ordinal))
                            {
                                Console.Error.WriteLine(line);
                            }
                        },
                        cancellationToken);
                }

                switch (parse.GetValue(options.Format))
                {
                    case "json":
                        Console.WriteLine(ConformanceReport.ToJson(endpoint.ToString(), results));
                        break;
                    case "junit":
                        Console.WriteLine(ConformanceReport.ToJUnit(endpoint.ToString(), results));
                        break;
                    default:
                        ConformanceReport.WriteText(AnsiConsole.Console, endpoint.ToString(), results);
                        break;
                }

                return ConformanceReport.ExitCode(results);
            }, cancellationToken);
        });
        return command;
    }
}
