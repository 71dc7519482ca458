using System.CommandLine;
using Pmcp.Cli.Testing;
using Pmcp.Cli.Testing.Scenarios;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test generate</c>: a starting scenarios file from a server's tools/list.</summary>
internal static class TestGenerateCommand
{
    public static Command Create()
    {
        var options = new TestOptions();
        var output = new Option<string?>("--output", "-o") { Description = "Write the scenarios here (such as scenarios.yaml) instead of to the standard output." };
        var allTools = new Option<bool>("--all-tools") { Description = "Include tools that are not annotated readOnlyHint: true (their scenarios then cause side effects when run)." };
        var force = new Option<bool>("--force") { Description = "Overwrite the --output file when it exists." };
        var command = new Command("generate", """
            Write a starting scenarios file for dotnet pmcp test run from a server's tools/list: one scenario per tool,
            calling it with valid arguments made from its input schema and expecting a result that is not an error. Only
            tools annotated readOnlyHint: true are included unless --all-tools (a scenario kept in CI must not cause side
            effects by accident); the file names the ones left out. Replace the arguments with realistic ones and add
            expectations (contains, jsonPath, error), then keep the file in the project and run it in CI.

            Examples:
              dotnet pmcp test generate samples/HelloWorld --native -o scenarios.yaml
              dotnet pmcp test generate http://127.0.0.1:8787/mcp --all-tools > scenarios.yaml
            """)
        {
            output, allTools, force,
        };
        options.AddTo(command);
        command.Options.Remove(options.Format);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(output);
            if (path is not null && File.Exists(path) && !parse.GetValue(force))
            {
                Console.Error.WriteLine($"error: {path} exists. Pass --force to overwrite it, or another -o.");
                return 2;
            }

            return await TestOptions.GuardAsync("generation", async () =>
            {
                var key = options.ReadBearer(parse);
                string yaml;
                IReadOnlyList<string> leftOut;
                await using (var target = await TestTarget.OpenAsync(parse.GetValue(options.Target)!, parse.GetValue(options.Native), parse.GetValue(options.ApiKeyEnv), TimeSpan.FromSeconds(parse.GetValue(options.StartTimeout)), cancellationToken))
                {
                    using var client = new McpHttpClient(target.Endpoint, key, TimeSpan.FromSeconds(parse.GetValue(options.Timeout)));
                    (yaml, leftOut) = await ScenarioGenerator.GenerateAsync(client, parse.GetValue(allTools), cancellationToken);
                }

                if (path is null)
                {
                    Console.Write(yaml);
                }
                else
                {
                    await File.WriteAllTextAsync(path, yaml, cancellationToken);
                    Console.Error.WriteLine($"Wrote {path}. Run it with: dotnet pmcp test run {path} <url|project-dir>");
                }

                if (leftOut.Count > 0)
                {
                    Console.Error.WriteLine($"Left out (not annotated readOnlyHint: true; --all-tools includes them): {string.Join(", ", leftOut)}");
                }

                return 0;
            }, cancellationToken);
        });
        return command;
    }
}
