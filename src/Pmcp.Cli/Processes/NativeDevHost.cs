using Pmcp.Cli.Deploy;
using Pmcp.Cli.Projects;
using Spectre.Console;

namespace Pmcp.Cli.Processes;

/// <summary>Builds the native host for a server project, runs it, and relays its output until Ctrl+C.</summary>
internal sealed class NativeDevHost(ServerProject project, string host, int port, string? apiKeyEnv, string? environment, bool jsonRequestLines = false)
{
    private const string Configuration = "Debug";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // The native host reads wrangler.toml's bindings; deploy.toml, when there is one, decides them.
        var deploy = new DeployProject(project.Directory, project.Name);
        if (deploy.SyncWrangler() is { } change)
        {
            Console.WriteLine(change);
        }

        var devSettings = DevSettings.Load(project.Directory);

        // Checked before the build, so a mistyped --env shows at once.
        var target = environment is null ? null : DeployTarget.Resolve(deploy.WranglerToml, environment);

        string assemblyName = project.Name;
        ChildProcess.Result? build = null;
        await AnsiConsole.Status().StartAsync($"Building [bold]{Markup.Escape(project.Name)}[/]…", async status =>
        {
            using var buildLock = await ProjectBuildLock.AcquireAsync(
                project.Directory, () => status.Status($"Waiting for another build of [bold]{Markup.Escape(project.Name)}[/] to finish…"), cancellationToken);
            assemblyName = await project.GetAssemblyNameAsync(cancellationToken);
            var hostProject = NativeHostProject.Generate(project);
            build = await ChildProcess.RunAsync(
                "dotnet", ["build", hostProject, "-c", Configuration, "-nologo", "-v:q", "-clp:ErrorsOnly;NoSummary"], project.Directory, cancellationToken);
        });

        if (build!.ExitCode != 0)
        {
            Console.Error.WriteLine(build.Output.TrimEnd());
            Console.Error.WriteLine($"error: {project.Name} did not build; fix the errors above and run dotnet pmcp dev again.");
            return 1;
        }

        string[] arguments = [NativeHostProject.OutputAssembly(project, Configuration), "--assembly", assemblyName, "--project-dir", project.Directory, "--host", host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (target?.Environment is { } env)
        {
            arguments = [.. arguments, "--env", env];
        }

        if (apiKeyEnv is not null)
        {
            if (Environment.GetEnvironmentVariable(apiKeyEnv) is not { Length: > 0 })
            {
                Console.Error.WriteLine($"error: --api-key-env names {apiKeyEnv}, but that environment variable is empty. Set it first, e.g. export {apiKeyEnv}=<key>.");
                return 2;
            }

            arguments = [.. arguments, "--api-key-env", apiKeyEnv];
        }

        if (!DevRequestSummary.ProjectSetsLevel(project.Directory))
        {
            // One line per MCP message, shown as a summary below.
            arguments = [.. arguments, "--request-log", "all"];
        }

        // .pmcp/dev.toml's [vars]: values for local runs only; .dev.vars wins over them.
        foreach (var (name, value) in devSettings.VarsNotIn(Path.Combine(deploy.WorkersDirectory, ".dev.vars")))
        {
            arguments = [.. arguments, "--var", $"{name}={value}"];
        }

        // Service bindings go to the URLs deploy.toml gives them ([workers.services] NAME = { …, url = "…" }).
        var services = BoundWorkers.Of(project.Directory, target?.Environment)
            .Where(b => b.Url is not null)
            .ToDictionary(b => "PMCP_SERVICE_URL_" + b.Binding, b => b.Url!, StringComparer.Ordinal);
        await using var companions = await DevCompanions.StartAsync(devSettings.Start, project.Directory, cancellationToken);
        using var server = ChildProcess.Start("dotnet", arguments, project.Directory, services.Count > 0 ? services : null);
        return await ChildProcess.RelayUntilStoppedAsync(server, (line, writer) =>
        {
            writer.WriteLine((jsonRequestLines ? null : DevRequestSummary.Of(line)) ?? line);
            writer.Flush();
        }, cancellationToken);
    }
}
