using System.CommandLine;
using System.Globalization;
using Pmcp.Cli.Deploy;
using Pmcp.Cli.Processes;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp deploy logs</c>: the deployed Worker's live logs, through wrangler tail.</summary>
internal static class DeployLogsCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var env = CommonOptions.EnvOption();
        var tail = new Option<bool>("--tail", "-f") { Description = "Keep streaming until Ctrl+C, instead of stopping after --duration." };
        var duration = new Option<int>("--duration") { Description = "Without --tail: seconds to listen before stopping.", DefaultValueFactory = _ => 30 };
        var status = new Option<string[]>("--status") { Description = "Only requests that ended this way: ok, error or canceled (repeatable).", AllowMultipleArgumentsPerToken = true };
        status.AcceptOnlyFromAmong("ok", "error", "canceled");
        var search = new Option<string?>("--search") { Description = "Only requests whose console.log lines contain this text (tool_call: every tools/call; a request id: the whole request)." };
        var outcome = new Option<string?>("--outcome") { Description = "Only the server's request lines (one per MCP message) that ended this way: ok, or error (a tool error, a JSON-RPC error or a refused request; --status cannot tell: they are ok invocations)." };
        outcome.AcceptOnlyFromAmong("ok", "error");
        var format = new Option<string>("--format") { Description = "pretty (one line per request and log) or json (Cloudflare's trace events).", DefaultValueFactory = _ => "pretty" };
        format.AcceptOnlyFromAmong("pretty", "json");
        var command = new Command("logs", """
            Show the deployed Worker's logs as they happen (requests, their status, console output and exceptions),
            through wrangler tail. Cloudflare keeps no history for this: you see what arrives while it listens, for
            --duration seconds or, with --tail, until Ctrl+C.

            Examples:
              dotnet pmcp deploy logs --tail
              dotnet pmcp deploy logs --env production --tail --status error
              dotnet pmcp deploy logs --search tool_call --format json --duration 60
              dotnet pmcp deploy logs --env production --tail --outcome error
            """)
        {
            project, target, env, tail, duration, status, search, outcome, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(duration) <= 0)
            {
                throw new CliException("--duration takes a number of seconds above 0, such as --duration 60; or use --tail to stream until Ctrl+C.");
            }

            if (DeployContext.Open(parse.GetValue(project)!, parse.GetValue(env)) is not { } context)
            {
                return 1;
            }

            var wrangler = await context.WranglerAsync(cancellationToken);
            List<string> arguments = ["tail", .. context.Target.EnvArguments, "--format", parse.GetValue(format)!];
            foreach (var each in parse.GetValue(status) ?? [])
            {
                arguments.AddRange(["--status", each]);
            }

            if (parse.GetValue(search) is { Length: > 0 } text)
            {
                arguments.AddRange(["--search", text]);
            }

            var following = parse.GetValue(tail);
            var seconds = parse.GetValue(duration);
            Console.Error.WriteLine(following
                ? $"Streaming the logs of {context.Target.Describe()}; Ctrl+C stops."
                : $"Listening to the logs of {context.Target.Describe()} for {seconds.ToString(CultureInfo.InvariantCulture)} s (--tail: until Ctrl+C).");
            using var listen = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (!following)
            {
                listen.CancelAfter(TimeSpan.FromSeconds(seconds));
            }

            using var process = wrangler.Start(arguments);
            // --outcome filters the server's request lines here: Cloudflare's filters cannot see inside them.
            var filter = parse.GetValue(outcome) is { } wanted ? new TailOutcomeFilter(wanted, parse.GetValue(format) == "json") : null;
            var exitCode = await ChildProcess.RelayUntilStoppedAsync(process, (line, writer) =>
            {
                if (filter is not null && ReferenceEquals(writer, Console.Out))
                {
                    filter.Relay(line, writer);
                    return;
                }

                writer.WriteLine(line);
                writer.Flush();
            }, listen.Token);
            if (exitCode != 0)
            {
                Console.Error.WriteLine($"error: wrangler tail stopped with exit code {exitCode}; its output is above.");
                return 1;
            }

            return 0;
        });
        return command;
    }
}
