using System.CommandLine;
using Pmcp.Cli.Deploy;
using Pmcp.Cli.Projects;
using Pmcp.Cli.Workers;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp deploy …</c>: the chapter's deployment workflow. <c>init</c> writes the configuration, <c>build</c> makes the Worker bundle.</summary>
internal static class DeployCommand
{
    public static Command Create()
    {
        var command = new Command("deploy", "Build and deploy a server project to Cloudflare Workers.");
        command.Add(InitCommand());
        command.Add(BuildCommand());
        return command;
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
            is none. Prints each file's size and the total against Cloudflare's limits.

            Examples:
              dotnet pmcp deploy build samples/HelloWorld
              dotnet pmcp deploy build --target cloudflare-workers
            """)
        {
            project, target,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
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
