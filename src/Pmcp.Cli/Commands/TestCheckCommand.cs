using System.CommandLine;
using Pmcp.Cli.Testing;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test check</c>: checks an MCP server as a client, against the specification's rules.</summary>
internal static class TestCheckCommand
{
    public static Command Create()
    {
        var options = new TestOptions();
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Against a server that is not on loopback, call every tool, not only those annotated readOnlyHint: true." };
        var strict = new Option<bool>("--strict") { Description = "Fail on warnings too (a \"should\" of the specification not followed)." };

        var command = new Command("check", """
            Check an MCP server over Streamable HTTP, as a client: negotiate each protocol revision it speaks
            (initialize for 2024-11-05 to 2025-11-25, server/discover for the stateless 2026-07-28), list and
            exercise its tools, resources and prompts (input schemas are object schemas; each tool is called with
            arguments made from its schema, valid ones must be answered, invalid ones refused; structured results
            must match the tool's outputSchema), and check the transport's HTTP rules (Accept 406, Content-Type 415,
            a foreign Origin 403, an unsupported MCP-Protocol-Version 400, unknown method -32601, malformed JSON
            -32700, an unknown tool an error).

            The check declares no client capabilities: a server's request to the client during a call (sampling,
            elicitation, roots) is refused at once, and a tool or prompt that then errs, or answers -32021 (a missing
            client capability), is skipped with the reason.

            A project folder is served with dotnet pmcp dev on a free loopback port, checked, and stopped. Against a
            server that is not on loopback only tools annotated readOnlyHint: true are called (a check must not cause
            side effects) unless --allow-writes; the report says which were skipped.

            Prints a table of pass/warn/fail/skip with the reason and the fix. Exit code 0 when nothing failed (warns,
            a "should" not followed, fail only with --strict), 1 when a check failed, 2 when the server could not be
            checked at all (unreachable, not an MCP endpoint, a project that does not build).

            Examples:
              dotnet pmcp test check samples/HelloWorld --native
              dotnet pmcp test check samples/HelloWorld
              dotnet pmcp test check http://127.0.0.1:8787/mcp --strict
              dotnet pmcp test check https://my-server.example.workers.dev/mcp --api-key-env MCP_API_KEY
              dotnet pmcp test check https://notes.example.com/mcp --token-env MCP_ACCESS_TOKEN
              dotnet pmcp test check https://my-server.example.workers.dev/mcp --format junit > pmcp-check.xml
            """)
        {
            allowWrites, strict,
        };
        options.AddTo(command);

        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(options.Target)!, parse.GetValue(options.Native), parse.GetValue(options.ApiKeyEnv), parse.GetValue(options.TokenEnv), parse.GetValue(allowWrites), parse.GetValue(strict),
            parse.GetValue(options.Format)!, TimeSpan.FromSeconds(parse.GetValue(options.Timeout)), TimeSpan.FromSeconds(parse.GetValue(options.StartTimeout)), cancellationToken));
        return command;
    }

    /// <summary>Checks <paramref name="where"/> and writes the report; the exit code (also for <c>deploy --test</c>).</summary>
    public static async Task<int> RunAsync(
        string where, bool native, string? apiKeyEnv, string? tokenEnv, bool allowWrites, bool strict, string format, TimeSpan timeout, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        return await TestOptions.GuardAsync("checks", async () =>
        {
            var key = TestTarget.ReadBearer(apiKeyEnv, tokenEnv);
            IReadOnlyList<CheckResult> results;
            Uri endpoint;
            await using (var target = await TestTarget.OpenAsync(where, native, apiKeyEnv, startTimeout, cancellationToken))
            {
                endpoint = target.Endpoint;
                using var client = new McpHttpClient(endpoint, key, timeout);
                // A project started for the check is this user's own loopback server: every tool may be called.
                var policy = target.StartedForTheTest ? new CheckPolicy(true, "a project started for the check") : CheckPolicy.For(endpoint, allowWrites);
                results = await new ServerChecker(client, policy).RunAsync(cancellationToken);
            }

            switch (format)
            {
                case "json":
                    Console.WriteLine(CheckReport.ToJson(endpoint.ToString(), results, strict));
                    break;
                case "junit":
                    Console.WriteLine(CheckReport.ToJUnit(endpoint.ToString(), results, strict));
                    break;
                default:
                    CheckReport.WriteText(AnsiConsole.Console, endpoint.ToString(), results);
                    break;
            }

            return CheckReport.ExitCode(results, strict);
        }, cancellationToken);
    }
}
