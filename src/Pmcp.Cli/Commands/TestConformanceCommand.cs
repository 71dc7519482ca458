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
            The suite sends no Authorization header of its own: with --api-key-env or --token-env it talks to a relay on
            a local port that adds 'Authorization: Bearer …' to each request and forwards it (the credential is never
            printed). A server that answers 401 stops the run before the suite starts, with the option to pass.

            Exit code 0 when no check failed, 1 when one did, 2 when the suite could not run.

            Examples:
              dotnet pmcp test conformance samples/Conformance --native
              dotnet pmcp test conformance http://127.0.0.1:8787/mcp --spec-version 2025-11-25 --spec-version 2026-07-28
              dotnet pmcp test conformance http://127.0.0.1:8787/mcp --scenario server-initialize --scenario tools-list --format junit
              dotnet pmcp test conformance https://my-server.example.workers.dev/mcp --api-key-env MCP_API_KEY --scenario tools-list
            """)
        {
            specVersions, scenarios, suite, expectedFailures, verbose,
        };
        options.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            return await TestOptions.GuardAsync("suite", async () =>
            {
                // Progress on stderr: stdout is the report, which may be JSON or XML.
                var runner = await ConformanceRunner.EnsureAsync(step => Console.Error.WriteLine(step + "…"), cancellationToken);
                IReadOnlyList<ConformanceScenario> results;
                Uri endpoint;
                var credential = options.ReadBearer(parse);
                var timeout = TimeSpan.FromSeconds(parse.GetValue(options.Timeout));
                await using (var target = await TestTarget.OpenAsync(parse.GetValue(options.Target)!, parse.GetValue(options.Native), parse.GetValue(options.ApiKeyEnv), TimeSpan.FromSeconds(parse.GetValue(options.StartTimeout)), cancellationToken))
                {
                    endpoint = target.Endpoint;

                    // One initialize first: a server that cannot be reached, or that refuses the credential (or its
                    // absence), is one clear error with its fix, not every scenario failing the same way.
                    using (var probe = new McpHttpClient(endpoint, credential, timeout))
                    {
                        await McpConnection.OpenAsync(probe, cancellationToken);
                    }

                    // The suite sends no Authorization header: with a credential it talks to a local relay that adds it.
                    await using var relay = credential is null ? null : BearerRelay.Start(endpoint, credential);
                    var showAll = parse.GetValue(verbose);
                    results = await runner.RunAsync(
                        relay?.Endpoint ?? endpoint, parse.GetValue(specVersions) ?? [], parse.GetValue(scenarios) ?? [], parse.GetValue(suite)!, parse.GetValue(expectedFailures),
                        timeout,
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
