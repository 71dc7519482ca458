using System.CommandLine;
using Pmcp.Cli.Projects;
using Pmcp.Cli.Workers;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp deploy …</c>: the chapter's deployment workflow. <c>build</c> makes the Worker bundle.</summary>
internal static class DeployCommand
{
    public static Command Create()
    {
        var command = new Command("deploy", "Build and deploy a server project to Cloudflare Workers.");
        command.Add(BuildCommand());
        return command;
    }

    private static Command BuildCommand()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var command = new Command("build", """
            Compile a server project to WebAssembly and assemble its Worker bundle in .pmcp/workers/build/worker/
            (entry shim.mjs), with a wrangler.toml beside it if there is none. Prints each file's size and the total
            against Cloudflare's limits.

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

            var bundle = new WorkerBundle(serverProject);
            await AnsiConsole.Status().StartAsync("Preparing…", status =>
                bundle.BuildAsync(step => status.Status(Markup.Escape(step) + "…"), cancellationToken));
            var wrangler = WranglerConfig.EnsureExists(bundle.WorkersDirectory, WranglerConfig.WorkerName(serverProject.Name));
            SizeReport.Print(SizeReport.Measure(bundle.OutputDirectory));
            Console.WriteLine($"Worker bundle: {Path.GetRelativePath(Environment.CurrentDirectory, bundle.OutputDirectory)}");
            Console.WriteLine($"wrangler.toml: {Path.GetRelativePath(Environment.CurrentDirectory, wrangler)}");
            return 0;
        });
        return command;
    }
}
