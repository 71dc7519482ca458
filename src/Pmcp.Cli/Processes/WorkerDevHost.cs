using Pmcp.Cli.Deploy;
using Pmcp.Cli.Projects;
using Pmcp.Cli.Tools;
using Pmcp.Cli.Workers;
using Spectre.Console;

namespace Pmcp.Cli.Processes;

/// <summary>
/// <c>dotnet pmcp dev</c> in workerd: builds the Worker bundle and serves it with <c>wrangler dev --local</c>, exactly
/// as Cloudflare would run it, with local bindings under <c>.wrangler/state</c>.
/// </summary>
internal sealed class WorkerDevHost(ServerProject project, string host, int port, string? apiKeyEnv, string? environment, bool jsonRequestLines = false)
{
    private static readonly string[] NoisyLines = ["Request.cf", "getaddrinfo ENOTFOUND", "GetAddrInfoReqWrap", "node:internal/async_hooks"];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // The key is checked before the build, so that a key wrangler's env file cannot carry shows at once.
        string? key = null;
        if (apiKeyEnv is not null)
        {
            key = Environment.GetEnvironmentVariable(apiKeyEnv);
            if (string.IsNullOrEmpty(key))
            {
                Console.Error.WriteLine($"error: --api-key-env names {apiKeyEnv}, but that environment variable is empty. Set it first, e.g. export {apiKeyEnv}=<key>.");
                return 2;
            }

            _ = PrivateEnvFile.Quote(apiKeyEnv, key);
        }

        var devSettings = DevSettings.Load(project.Directory);
        var bundle = new WorkerBundle(project);
        var deploy = new DeployProject(project.Directory, project.Name);
        if (deploy.SyncWrangler() is { } change)
        {
            Console.WriteLine(change);
        }

        // The top-level Worker is served with no --env at all, wrangler dev's own default.
        var target = DeployTarget.Resolve(deploy.WranglerToml, environment);
        var envArguments = target.Environment is null ? [] : target.EnvArguments;

        // The Workers its service bindings name ([workers.services] … project), served beside it by the same wrangler dev.
        var others = BoundWorkers.ToServe(BoundWorkers.Of(project.Directory, target.Environment));

        (string Node, string Script) wrangler = default;
        await AnsiConsole.Status().StartAsync("Preparing…", async status =>
        {
            await bundle.BuildAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken);
            foreach (var other in others.Where(o => o.Project is not null))
            {
                var otherDeploy = new DeployProject(other.Project!.Directory, other.Project.Name);
                otherDeploy.SyncWrangler();
                await new WorkerBundle(other.Project).BuildAsync(step => status.Status(Markup.Escape($"{step} (service binding {other.Binding})") + "…"), cancellationToken);
            }

            wrangler = await ToolsCache.EnsureWranglerAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken);
        });
        SizeReport.Print(SizeReport.Measure(bundle.OutputDirectory));
        if (!await D1Migrations.ApplyAsync(wrangler, bundle.WorkersDirectory, target, cancellationToken))
        {
            return 1;
        }

        List<string> arguments =
        [
            "dev", "--local", "--ip", host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--show-interactive-dev-session=false",
            // wrangler's devtools inspector otherwise takes the first free port from 9229, probed first and bound later:
            // two dev sessions starting at once can pick the same one and one of them fails ("Address already in use").
            // Port 0 lets the system choose one that is free.
            "--inspector-port", "0",
            .. envArguments,
            "--var", $"PMCP_ALLOWED_HOSTS:{string.Join(',', LoopbackHosts(host))}",
        ];
        if (!DevRequestSummary.ProjectSetsLevel(project.Directory))
        {
            // One line per MCP message, which Relay shows as a summary.
            arguments.AddRange(["--var", $"{DevRequestSummary.LevelVar}:all"]);
        }

        if (others.Count > 0)
        {
            // wrangler's multi-config dev: the first configuration is the Worker served on the port, the others are
            // reachable through its service bindings.
            arguments.AddRange(["-c", Path.GetFileName(deploy.WranglerToml)]);
            foreach (var other in others)
            {
                arguments.AddRange(["-c", other.WranglerToml]);
                Console.WriteLine($"Service binding {other.Binding}: serving {DeployProject.Display(other.WranglerToml)} beside it");
                if (BoundWorkers.NameMismatch(other) is { } mismatch)
                {
                    Console.Error.WriteLine("warning: " + mismatch);
                }
            }
        }

        // .pmcp/dev.toml's [vars]: committed values for local runs only, so not secrets; .dev.vars wins over them.
        foreach (var (name, value) in devSettings.VarsNotIn(Path.Combine(bundle.WorkersDirectory, ".dev.vars")))
        {
            arguments.AddRange(["--var", $"{name}:{value}"]);
        }

        string? envFile = null;
        if (key is not null)
        {
            // The key reaches wrangler through a private file, never its command line.
            envFile = PrivateEnvFile.Create(("MCP_API_KEY", key));
            arguments.AddRange(["--env-file", envFile]);
        }

        // Every bundle was just built: wrangler's [build] commands at its start (one per Pmcp Worker) must not build again.
        using var built = NestedBuild.Create(1 + others.Count(o => o.Project is not null));
        await using var companions = await DevCompanions.StartAsync(devSettings.Start, project.Directory, cancellationToken);
        try
        {
            using var process = ToolsCache.StartWrangler(wrangler, arguments, bundle.WorkersDirectory);
            var mcpUrl = $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}/mcp";
            var exitCode = await ChildProcess.RelayUntilStoppedAsync(process, (line, writer) => Relay(line, writer, mcpUrl), cancellationToken);
            return exitCode == 0 ? 0 : 1;
        }
        finally
        {
            if (envFile is not null)
            {
                File.Delete(envFile);
            }
        }
    }

    private static IEnumerable<string> LoopbackHosts(string host) =>
        host is "127.0.0.1" or "localhost" or "::1" or "[::1]" ? ["localhost", "127.0.0.1", "[::1]"] : [];

    private void Relay(string line, TextWriter writer, string mcpUrl)
    {
        if (NoisyLines.Any(n => line.Contains(n, StringComparison.Ordinal)))
        {
            return;
        }

        writer.WriteLine((jsonRequestLines ? null : DevRequestSummary.Of(line)) ?? line);
        if (line.Contains("Ready on", StringComparison.Ordinal))
        {
            writer.WriteLine($"MCP endpoint: {mcpUrl}");
            writer.WriteLine("Press Ctrl+C to stop.");
        }

        writer.Flush();
    }
}
