using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp deploy outputs</c>: the URLs the last deploy recorded (the chapter's WorkerUrl and McpEndpoint).</summary>
internal static class DeployOutputsCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var target = CommonOptions.TargetOption();
        var env = CommonOptions.EnvOption();
        var format = new Option<string>("--format") { Description = "text (Key: value lines) or json (one object, for scripts).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("outputs", """
            Print what the last dotnet pmcp deploy of the Worker (or of --env NAME) recorded: WorkerName, WorkerUrl,
            McpEndpoint, routes, version, the startup time Cloudflare measured, and time. Read from .pmcp/deploy-outputs.json; no network.

            Examples:
              dotnet pmcp deploy outputs --target cloudflare-workers
              dotnet pmcp deploy outputs --env staging --format json
            """)
        {
            project, target, env, format,
        };
        command.SetAction(parse =>
        {
            if (Projects.ServerProject.Find(parse.GetValue(project)!) is not { } serverProject)
            {
                return 1;
            }

            var output = Find(serverProject.Directory, parse.GetValue(env));
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(output, DeployOutputsJsonContext.Default.DeployOutput));
            }
            else
            {
                Print(output);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The recorded deployment of an environment, or an error saying how to make one.</summary>
    public static DeployOutput Find(string projectDirectory, string? environment)
    {
        var all = DeployOutputsFile.Load(projectDirectory);
        if (all.FirstOrDefault(d => d.Environment == environment) is { } found)
        {
            return found;
        }

        var which = environment is null ? "the top-level Worker" : $"--env {environment}";
        var others = all.Select(d => d.Environment is null ? "the top-level Worker" : $"--env {d.Environment}").ToList();
        throw new CliException($"no deployment of {which} is recorded in {DeployProject.Display(DeployOutputsFile.PathIn(projectDirectory))}. " +
            (others.Count > 0 ? $"Recorded: {string.Join(", ", others)}. " : "") +
            $"Run dotnet pmcp deploy{(environment is null ? "" : $" --env {environment}")} first.");
    }

    /// <summary>The chapter's <c>Key: value</c> lines.</summary>
    public static void Print(DeployOutput output)
    {
        if (output.Environment is not null)
        {
            Console.WriteLine($"Environment: {output.Environment}");
        }

        Console.WriteLine($"WorkerName: {output.WorkerName}");
        Console.WriteLine($"WorkerUrl: {output.WorkerUrl ?? "(none: workers_dev is off and no route names one host)"}");
        Console.WriteLine($"McpEndpoint: {output.McpEndpoint ?? "(none)"}");
        if (output.Routes.Count > 0)
        {
            Console.WriteLine($"Routes: {string.Join(", ", output.Routes)}");
        }

        if (output.VersionId is not null)
        {
            Console.WriteLine($"VersionId: {output.VersionId}");
        }

        if (output.StartupTimeMs is { } startup)
        {
            Console.WriteLine($"StartupTime: {startup} ms");
        }

        Console.WriteLine($"DeployedAt: {output.DeployedAt.ToString("u", CultureInfo.InvariantCulture)}");
    }
}
