using System.CommandLine;
using Pmcp.Cli.Deploy;
using Pmcp.Cli.Projects;
using Pmcp.Cli.Tools;
using Pmcp.Cli.Workers;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary>
/// <c>dotnet pmcp deploy …</c>: the chapter's deployment workflow. <c>deploy</c> itself builds and uploads; <c>init</c>
/// writes the configuration, <c>build</c> makes the Worker bundle, and the other subcommands act on the deployed Worker.
/// </summary>
internal static class DeployCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var env = CommonOptions.EnvOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Build and let wrangler check the bundle and configuration, without uploading anything." };
        var noBuild = new Option<bool>("--no-build") { Description = "Deploy the bundle the last dotnet pmcp deploy build made, without building again (as a CI pipeline's deploy step does)." };
        var test = new Option<bool>("--test") { Description = "Afterwards, run dotnet pmcp test check against the deployed MCP endpoint (read-only tools only); the exit code is the check's." };
        var apiKeyEnv = DeployTestCommand.ApiKeyEnvOption();
        var tokenEnv = TestOptions.TokenEnvOption();
        var command = new Command("deploy", """
            Build a server project and deploy it to Cloudflare Workers with wrangler deploy, then record its URLs
            (see deploy outputs). Needs CLOUDFLARE_API_TOKEN, and CLOUDFLARE_ACCOUNT_ID or [cloudflare] account_id in
            .pmcp/deploy.toml; --dry-run needs neither.

            Examples:
              dotnet pmcp deploy --target cloudflare-workers
              dotnet pmcp deploy samples/Notes --env staging
              dotnet pmcp deploy --dry-run                     check everything, upload nothing
              dotnet pmcp deploy build && dotnet pmcp deploy --no-build
              dotnet pmcp deploy --test                        deploy, then check the deployed endpoint
            """)
        {
            project, target, env, dryRun, noBuild, test, apiKeyEnv, tokenEnv,
        };
        command.Add(InitCommand());
        command.Add(BuildCommand());
        command.Add(DeployOutputsCommand.Create());
        command.Add(DeployDestroyCommand.Create());
        command.Add(DeployLogsCommand.Create());
        command.Add(DeployMetricsCommand.Create());
        command.Add(DeploySecretsCommand.Create());
        command.Add(DeployTestCommand.Create());
        command.SetAction(async (parse, cancellationToken) =>
        {
            var serverProject = ServerProject.Find(parse.GetValue(project)!);
            if (serverProject is null)
            {
                return 1;
            }

            var deployed = await DeployAsync(serverProject, parse.GetValue(env), parse.GetValue(dryRun), parse.GetValue(noBuild), cancellationToken);
            if (deployed != 0 || !parse.GetValue(test) || parse.GetValue(dryRun))
            {
                return deployed;
            }

            Console.WriteLine();
            return await DeployTestCommand.CheckDeployedAsync(serverProject.Directory, parse.GetValue(env), parse.GetValue(apiKeyEnv), parse.GetValue(tokenEnv), allowWrites: false, strict: false, "text", cancellationToken);
        });
        return command;
    }

    private static async Task<int> DeployAsync(ServerProject serverProject, string? environment, bool dryRun, bool noBuild, CancellationToken cancellationToken)
    {
        var deploy = new DeployProject(serverProject.Directory, serverProject.Name);
        if (deploy.SyncWrangler() is { } change)
        {
            Console.WriteLine(change);
        }

        var deployTarget = DeployTarget.Resolve(deploy.WranglerToml, environment);
        var bundle = new WorkerBundle(serverProject);
        if (noBuild && !File.Exists(Path.Combine(bundle.OutputDirectory, "shim.mjs")))
        {
            throw new CliException($"--no-build: there is no bundle in {DeployProject.Display(bundle.OutputDirectory)} yet. Run dotnet pmcp deploy build first, or deploy without --no-build.");
        }

        Wrangler? wrangler = null;
        await AnsiConsole.Status().StartAsync("Preparing…", async status =>
        {
            if (!noBuild)
            {
                await bundle.BuildAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken);
            }

            wrangler = await Wrangler.EnsureAsync(deploy.WorkersDirectory, step => status.Status(Markup.Escape(step) + "…"), cancellationToken);
        });
        SizeReport.Print(SizeReport.Measure(bundle.OutputDirectory));

        Console.WriteLine(dryRun
            ? $"Checking {deployTarget.Describe()} with wrangler deploy --dry-run (nothing is uploaded):"
            : $"Deploying {deployTarget.Describe()} with wrangler deploy:");
        // The bundle is built (or, with --no-build, deliberately not): wrangler's [build] command must not build it again.
        using var built = NestedBuild.Create();
        var run = await wrangler!.RunAsync(
            ["deploy", .. deployTarget.EnvArguments, .. dryRun ? ["--dry-run"] : Array.Empty<string>()],
            cancellationToken,
            onLine: line => Console.WriteLine("  " + line));
        if (!run.Succeeded)
        {
            return DeployContext.Failed("wrangler deploy", run, outputShown: true);
        }

        if (dryRun)
        {
            Console.WriteLine($"Dry run passed: the bundle and {DeployProject.Display(deploy.WranglerToml)} are ready for dotnet pmcp deploy{(environment is null ? "" : $" --env {environment}")}.");
            return 0;
        }

        if (run.Event("deploy") is not { } deployEvent)
        {
            Console.Error.WriteLine("error: wrangler reported success but recorded no deployment, so its URLs are unknown. Run dotnet pmcp deploy again.");
            return 1;
        }

        var output = WranglerResults.Output(deployEvent, deployTarget, DateTimeOffset.UtcNow) with { StartupTimeMs = WranglerResults.StartupTimeMs(run.Output) };
        DeployOutputsFile.Record(serverProject.Directory, output);
        Console.WriteLine();
        DeployOutputsCommand.Print(output);
        Console.WriteLine($"Recorded in {DeployProject.Display(DeployOutputsFile.PathIn(serverProject.Directory))}. Next: dotnet pmcp connect --deployed{(environment is null ? "" : $" --env {environment}")}");
        return 0;
    }

    private static Command InitCommand()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var force = new Option<bool>("--force") { Description = "Write both files afresh, replacing any edits to them." };
        var command = new Command("init", """
            Create the deployment configuration: .pmcp/deploy.toml (the source of truth: Worker name, compatibility date,
            vars, KV/D1/R2/Hyperdrive bindings, routes and custom domains, workers_dev, [env.staging] and [env.production])
            and .pmcp/workers/wrangler.toml, generated from it. Safe to run again: an existing deploy.toml is kept, and
            wrangler.toml keeps what you added to it by hand. A wrangler.toml written before deploy.toml existed gives
            deploy.toml its values.

            Examples:
              dotnet pmcp deploy init --target cloudflare-workers
              dotnet pmcp deploy init samples/Notes
              dotnet pmcp deploy init --force                   start again from the defaults
            """)
        {
            project, target, force,
        };
        command.SetAction(parse =>
        {
            var serverProject = ServerProject.Find(parse.GetValue(project)!);
            if (serverProject is null)
            {
                return 1;
            }

            foreach (var line in new DeployProject(serverProject.Directory, serverProject.Name).Init(parse.GetValue(force)))
            {
                Console.WriteLine(line);
            }

            Console.WriteLine("Next: edit .pmcp/deploy.toml (account_id, bindings, routes), then dotnet pmcp deploy build.");
            return 0;
        });
        return command;
    }

    private static Command BuildCommand()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var command = new Command("build", """
            Compile a server project to WebAssembly and assemble its Worker bundle in .pmcp/workers/build/worker/
            (entry shim.mjs). With a .pmcp/deploy.toml, wrangler.toml's derived parts are regenerated from it first
            (what you added to wrangler.toml by hand is kept); without one, a default wrangler.toml is written if there
            is none. Prints each file's size, the total against Cloudflare's 64 MiB, and the start-up CPU against its 1 s
            startup limit. wrangler.toml's [build] runs this command when wrangler dev or deploy runs on its own.

            Examples:
              dotnet pmcp deploy build samples/HelloWorld
              dotnet pmcp deploy build --target cloudflare-workers
            """)
        {
            project, target,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (NestedBuild.Consume())
            {
                Console.WriteLine("The Worker bundle was just built by the dotnet pmcp command that runs wrangler: not building it again.");
                return 0;
            }

            var serverProject = ServerProject.Find(parse.GetValue(project)!);
            if (serverProject is null)
            {
                return 1;
            }

            // deploy.toml is checked before the (long) WebAssembly build, so a mistake in it shows at once.
            var deploy = new DeployProject(serverProject.Directory, serverProject.Name);
            var change = deploy.SyncWrangler();
            var bundle = new WorkerBundle(serverProject);
            await AnsiConsole.Status().StartAsync("Preparing…", status =>
                bundle.BuildAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken));
            SizeReport.Print(SizeReport.Measure(bundle.OutputDirectory));
            Console.WriteLine($"Worker bundle: {DeployProject.Display(bundle.OutputDirectory)}");
            Console.WriteLine($"wrangler.toml: {DeployProject.Display(deploy.WranglerToml)}{(change is null ? "" : $" ({change})")}");
            return 0;
        });
        return command;
    }
}
