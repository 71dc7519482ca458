using System.CommandLine;
using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp deploy destroy</c>: deletes the deployed Worker (wrangler delete) and forgets its outputs.</summary>
internal static class DeployDestroyCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var env = CommonOptions.EnvOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (needed without a terminal, as in CI)." };
        var command = new Command("destroy", """
            Delete the Worker (or the --env NAME Worker) from Cloudflare with wrangler delete, with its routes and
            secrets, and remove its record from .pmcp/deploy-outputs.json. KV namespaces, D1 databases and R2 buckets
            are kept: they hold data, and other Workers may use them. Asks first unless --yes.

            Examples:
              dotnet pmcp deploy destroy --env staging
              dotnet pmcp deploy destroy --yes
            """)
        {
            project, target, env, yes,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (DeployContext.Open(parse.GetValue(project)!, parse.GetValue(env)) is not { } context)
            {
                return 1;
            }

            var envFlag = context.Target.Environment is null ? "" : $" --env {context.Target.Environment}";
            if (!DeployContext.Confirm($"Delete {context.Target.Describe()} from Cloudflare? This cannot be undone.", parse.GetValue(yes), $"dotnet pmcp deploy destroy{envFlag} --yes"))
            {
                Console.WriteLine("Nothing deleted.");
                return 0;
            }

            var wrangler = await context.WranglerAsync(cancellationToken);
            var run = await wrangler.RunAsync(["delete", .. context.Target.EnvArguments], cancellationToken);
            if (!run.Succeeded)
            {
                return DeployContext.Failed("wrangler delete", run);
            }

            var forgot = DeployOutputsFile.Forget(context.Project.Directory, context.Target.Environment);
            Console.WriteLine($"Deleted {context.Target.Describe()}{(forgot ? $", and its record in {DeployProject.Display(DeployOutputsFile.PathIn(context.Project.Directory))}" : "")}.");
            Console.WriteLine("Its KV namespaces, D1 databases and R2 buckets are kept; delete them with wrangler if they are no longer needed.");
            return 0;
        });
        return command;
    }
}
