using System.CommandLine;
using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Commands;

/// <summary>
/// <c>dotnet pmcp deploy test</c>: <c>test check</c> against the endpoint the last deploy recorded; also what
/// <c>deploy --test</c> runs after deploying.
/// </summary>
internal static class DeployTestCommand
{
    public static Command Create()
    {
        var project = CommonOptions.ProjectArgument();
        var env = CommonOptions.EnvOption();
        var apiKeyEnv = ApiKeyEnvOption();
        var tokenEnv = TestOptions.TokenEnvOption();
        var allowWrites = new Option<bool>("--allow-writes") { Description = "Call every tool, not only those annotated readOnlyHint: true (a check of a live deployment must not cause side effects unless you say so)." };
        var strict = new Option<bool>("--strict") { Description = "Fail on warnings too." };
        var format = new Option<string>("--format") { Description = "text (a table), json, or junit (XML that CI systems read).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "junit");
        var command = new Command("test", """
            Run dotnet pmcp test check against the MCP endpoint that the last dotnet pmcp deploy of the Worker (or of
            --env NAME) recorded (see deploy outputs): the deployed server is checked as a client sees it. Only tools
            annotated readOnlyHint: true are called unless --allow-writes. Exit code as test check's: 0 when nothing
            failed, 1 when a check failed, 2 when the endpoint could not be checked.

            Examples:
              dotnet pmcp deploy test
              dotnet pmcp deploy test samples/Notes --env staging --api-key-env MCP_API_KEY --format junit
              dotnet pmcp deploy test samples/SignIn --token-env MCP_ACCESS_TOKEN
            """)
        {
            project, env, apiKeyEnv, tokenEnv, allowWrites, strict, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Projects.ServerProject.Find(parse.GetValue(project)!) is not { } serverProject)
            {
                return 2;
            }

            try
            {
                return await CheckDeployedAsync(serverProject.Directory, parse.GetValue(env), parse.GetValue(apiKeyEnv), parse.GetValue(tokenEnv), parse.GetValue(allowWrites), parse.GetValue(strict), parse.GetValue(format)!, cancellationToken);
            }
            catch (CliException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>The <c>--api-key-env</c> of <c>deploy test</c> and <c>deploy --test</c>.</summary>
    public static Option<string?> ApiKeyEnvOption() => new("--api-key-env")
    {
        Description = "For the check: send 'Authorization: Bearer <key>', the key read from this environment variable (never printed).",
    };

    /// <summary>Checks the recorded endpoint of <paramref name="environment"/>'s deployment; test check's exit code.</summary>
    public static async Task<int> CheckDeployedAsync(string projectDirectory, string? environment, string? apiKeyEnv, string? tokenEnv, bool allowWrites, bool strict, string format, CancellationToken cancellationToken)
    {
        var output = DeployOutputsCommand.Find(projectDirectory, environment);
        var endpoint = output.McpEndpoint
            ?? throw new CliException($"the deployment of {output.WorkerName} has no URL (workers_dev is off and no route names one host). Check it with dotnet pmcp test check <its MCP endpoint URL>.");
        Console.Error.WriteLine($"Checking the deployed {output.WorkerName} at {endpoint}");
        return await TestCheckCommand.RunAsync(endpoint, native: false, apiKeyEnv, tokenEnv, allowWrites, strict, format, TimeSpan.FromSeconds(30), TimeSpan.Zero, cancellationToken);
    }
}
