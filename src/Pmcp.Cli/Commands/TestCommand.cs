using System.CommandLine;
using Pmcp.Cli.Testing;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp test</c>: checks an MCP server, local or deployed, from the command line and from CI.</summary>
internal static class TestCommand
{
    public static Command Create() => new("test", """
        Test an MCP server, local or deployed, from the command line and from CI.

        Examples:
          dotnet pmcp test check samples/HelloWorld --native
          dotnet pmcp test check http://127.0.0.1:8787/mcp
          dotnet pmcp test check https://my-server.example.workers.dev/mcp --api-key-env MCP_API_KEY --format junit
        """)
    {
        CheckCommand(),
    };

    private static Command CheckCommand()
    {
        var target = new Argument<string>("url-or-project-dir")
        {
            Description = "An MCP endpoint (http://…/mcp), or a server project's folder to start with dev, check and stop. Default: the current folder.",
            DefaultValueFactory = _ => ".",
        };
        var native = new Option<bool>("--native") { Description = "For a project: serve it natively on Kestrel instead of in workerd." };
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Against a server that is not on loopback, call every tool, not only those annotated readOnlyHint: true." };
        var format = new Option<string>("--format") { Description = "text (a table), json, or junit (XML that CI systems read).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "junit");
        var strict = new Option<bool>("--strict") { Description = "Fail on warnings too (a \"should\" of the specification not followed)." };
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "Send 'Authorization: Bearer <key>', the key read from this environment variable (never printed). For a project, dev requires it too." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each answer.", DefaultValueFactory = _ => 30 };
        var startTimeout = new Option<int>("--start-timeout") { Description = "For a project: seconds to wait for it to build and start.", DefaultValueFactory = _ => 600 };

        var command = new Command("check", """
            Check an MCP server over Streamable HTTP, as a client: negotiate each protocol revision it speaks
            (initialize for 2024-11-05 to 2025-11-25, server/discover for the stateless 2026-07-28), list and
            exercise its tools, resources and prompts (input schemas are object schemas; each tool is called with
            arguments made from its schema, valid ones must be answered, invalid ones refused; structured results
            must match the tool's outputSchema), and check the transport's HTTP rules (Accept 406, Content-Type 415,
            a foreign Origin 403, an unsupported MCP-Protocol-Version 400, unknown method -32601, malformed JSON
            -32700, an unknown tool an error).

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
              dotnet pmcp test check https://my-server.example.workers.dev/mcp --format junit > pmcp-check.xml
            """)
        {
            target, native, allowWrites, format, strict, apiKeyEnv, timeout, startTimeout,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var where = parse.GetValue(target)!;
            string? key = null;
            if (parse.GetValue(apiKeyEnv) is { } keyEnv)
            {
                key = Environment.GetEnvironmentVariable(keyEnv);
                if (string.IsNullOrEmpty(key))
                {
                    Console.Error.WriteLine($"error: --api-key-env names {keyEnv}, but that environment variable is empty. Set it first, e.g. export {keyEnv}=<key>.");
                    return 2;
                }
            }

            try
            {
                DevServer? dev = null;
                Uri endpoint;
                if (Uri.TryCreate(where, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
                {
                    endpoint = url;
                }
                else
                {
                    if (Projects.ServerProject.Find(new DirectoryInfo(where)) is null)
                    {
                        return 2;
                    }

                    Console.Error.WriteLine($"Starting {where} with dotnet pmcp dev{(parse.GetValue(native) ? " --native" : "")}…");
                    (dev, endpoint) = await DevServer.StartAsync(where, parse.GetValue(native), parse.GetValue(apiKeyEnv), TimeSpan.FromSeconds(parse.GetValue(startTimeout)), cancellationToken);
                    Console.Error.WriteLine($"Checking {endpoint}");
                }

                IReadOnlyList<CheckResult> results;
                try
                {
                    using var client = new McpHttpClient(endpoint, key, TimeSpan.FromSeconds(parse.GetValue(timeout)));
                    // A project started for the check is this user's own loopback server: every tool may be called.
                    var policy = dev is not null ? new CheckPolicy(true, "a project started for the check") : CheckPolicy.For(endpoint, parse.GetValue(allowWrites));
                    results = await new ServerChecker(client, policy).RunAsync(cancellationToken);
                }
                finally
                {
                    if (dev is not null)
                    {
                        await dev.DisposeAsync();
                    }
                }

                var isStrict = parse.GetValue(strict);
                switch (parse.GetValue(format))
                {
                    case "json":
                        Console.WriteLine(CheckReport.ToJson(endpoint.ToString(), results, isStrict));
                        break;
                    case "junit":
                        Console.WriteLine(CheckReport.ToJUnit(endpoint.ToString(), results, isStrict));
                        break;
                    default:
                        CheckReport.WriteText(AnsiConsole.Console, endpoint.ToString(), results);
                        break;
                }

                return CheckReport.ExitCode(results, isStrict);
            }
            catch (CliException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C or SIGTERM: the project's server is stopped by then (the finally above); no report.
                Console.Error.WriteLine("Stopped before the checks finished.");
                return 130;
            }
        });
        return command;
    }
}
