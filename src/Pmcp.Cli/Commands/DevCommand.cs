using System.CommandLine;
using Pmcp.Cli.Processes;
using Pmcp.Cli.Projects;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp dev</c>: builds a server project and serves it on 127.0.0.1 until Ctrl+C or SIGTERM.</summary>
internal static class DevCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var native = new Option<bool>("--native") { Description = "Serve natively on Kestrel (fast rebuilds, breakpoints) instead of in workerd." };
        var port = new Option<int>("--port", "-p") { Description = "The port to listen on.", DefaultValueFactory = _ => 8787 };
        var host = new Option<string>("--host") { Description = "The address to bind. Loopback also turns on the DNS-rebinding Host check.", DefaultValueFactory = _ => "127.0.0.1" };
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "Require 'Authorization: Bearer <key>', the key read from this environment variable." };
        var requestLog = new Option<string>("--request-log")
        {
            Description = "How each MCP message's request line shows: summary (method, name, outcome, duration) or json (the line as Workers Logs indexes it).",
            DefaultValueFactory = _ => "summary",
        };
        requestLog.AcceptOnlyFromAmong("summary", "json");
        var env = CommonOptions.EnvOption();
        env.Description = "Serve an environment of .pmcp/deploy.toml ([env.NAME]: its vars and bindings) instead of the top-level Worker.";

        var command = new Command("dev", """
            Build a server project and serve it locally at http://127.0.0.1:8787/mcp until Ctrl+C: in workerd,
            Cloudflare's own runtime, through wrangler dev --local (installed on first use), or natively on Kestrel.
            Each MCP message prints one line: method, name, outcome and duration (--request-log json: the structured
            line itself; PMCP_REQUEST_LOG in the project's vars or [logging] in deploy.toml: what it says instead of all).
            Ctrl+C (SIGINT) or SIGTERM stops it and what it started (wrangler and workerd, or the native host); a script
            that runs dev in the background stops it with kill (SIGTERM), since a background job ignores SIGINT.
            The project's .pmcp/dev.toml, when there is one, names programs to start beside the server and stop with
            it ([[start]], e.g. a local sign-in provider; their output prefixed with their name) and values the server
            gets under dev only ([vars]; a line of .dev.vars with the same name wins).

            Examples:
              dotnet pmcp dev samples/HelloWorld
              dotnet pmcp dev samples/HelloWorld --native
              dotnet pmcp dev samples/Notes --env staging
              dotnet pmcp dev samples/SignIn
              dotnet pmcp dev . --native --port 9000
              dotnet pmcp dev . --request-log json
              MCP_API_KEY=secret dotnet pmcp dev --native --api-key-env MCP_API_KEY
            """)
        {
            project, native, port, host, apiKeyEnv, env, requestLog,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var serverProject = ServerProject.Find(parse.GetValue(project)!);
            if (serverProject is null)
            {
                return 1;
            }

            var json = parse.GetValue(requestLog) == "json";
            if (!parse.GetValue(native))
            {
                // dev builds before starting wrangler dev, whose [build] command would build again at start (the
                // marker, which WorkerDevHost sets, makes that first one do nothing); later ones, when a source changes,
                // rebuild the Worker.
                return await new WorkerDevHost(serverProject, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(apiKeyEnv), parse.GetValue(env), json).RunAsync(cancellationToken);
            }

            var devHost = new NativeDevHost(serverProject, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(apiKeyEnv), parse.GetValue(env), json);
            return await devHost.RunAsync(cancellationToken);
        });
        return command;
    }
}
