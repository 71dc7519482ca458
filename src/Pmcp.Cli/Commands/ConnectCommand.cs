using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Pmcp.Cli.Connect;
using Pmcp.Cli.Deploy;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp connect</c>: prints what Claude Code, Claude Desktop, ChatGPT, VS Code, Cursor and the MCP Inspector need to reach the server.</summary>
internal static partial class ConnectCommand
{
    public const string LocalEndpoint = "http://127.0.0.1:8787/mcp";

    public static Command Create()
    {
        var project = new Argument<DirectoryInfo>("project-dir")
        {
            Description = "The server project's folder; its project names the server in the clients' configuration. Default: the current folder.",
            DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
        };
        var url = new Option<string?>("--url") { Description = $"The MCP endpoint. Default: the local one of dotnet pmcp dev, {LocalEndpoint}." };
        var deployed = new Option<bool>("--deployed") { Description = "Use the McpEndpoint the last dotnet pmcp deploy recorded (see deploy outputs)." };
        var env = CommonOptions.EnvOption();
        env.Description = "With --deployed: the environment's deployment. Default: the top-level Worker's.";
        var apiKeyEnv = new Option<string?>("--api-key-env") { Description = "Send 'Authorization: Bearer <key>', the key referenced through this environment variable (its value is never printed)." };
        var client = new Option<string>("--client") { Description = "Which client to configure.", DefaultValueFactory = _ => McpClientKind.All };
        client.AcceptOnlyFromAmong([.. McpClientKind.Each, McpClientKind.All]);
        var name = new Option<string?>("--name") { Description = "The server's name in the clients. Default: the project's name in kebab-case." };
        var oauth = new Option<bool>("--oauth")
        {
            Description = "The server signs clients in with OAuth. Default: what [auth] mode in the project's .pmcp/deploy.toml says (for --env, that environment's).",
        };

        var command = new Command("connect", """
            Print the configuration an MCP client needs to reach the server, each with where it goes: Claude Code (its
            claude mcp add command), Claude Desktop (Settings > Connectors for a public HTTPS server, or mcp-remote as a
            local bridge in claude_desktop_config.json), ChatGPT (the values of a developer-mode connector: public HTTPS,
            OAuth or no authentication, so no API key), VS Code (.vscode/mcp.json), Cursor (~/.cursor/mcp.json) and the
            MCP Inspector (npx command lines). The endpoint is the one `dotnet pmcp dev` serves, or with --deployed the
            one the last `dotnet pmcp deploy` recorded, or --url. An API key is always a reference to its variable. A
            server with [auth] mode = "oauth" in .pmcp/deploy.toml (or --oauth) needs no key: each client's note says
            how it signs in.
            With one --client, only its configuration goes to standard output (the note goes to standard error), ready to
            redirect into a file.

            Examples:
              dotnet pmcp connect                                                  every client, for http://127.0.0.1:8787/mcp
              dotnet pmcp connect src/MyServer --client vscode > .vscode/mcp.json
              dotnet pmcp connect --client claude-code --api-key-env MCP_API_KEY
              dotnet pmcp connect --client claude-desktop --api-key-env MCP_API_KEY
              dotnet pmcp connect --deployed --client chatgpt
              dotnet pmcp connect --url https://my-server.example.workers.dev/mcp --oauth --client vscode
              dotnet pmcp connect --deployed --env production --api-key-env MCP_API_KEY
              dotnet pmcp connect --url https://my-server.example.workers.dev/mcp --api-key-env MCP_API_KEY --client cursor
            """)
        {
            project, url, deployed, env, apiKeyEnv, client, name, oauth,
        };

        command.SetAction(parse =>
        {
            var endpoint = Endpoint(EndpointText(parse.GetValue(project)!, parse.GetValue(url), parse.GetValue(deployed), parse.GetValue(env)));
            var keyVariable = parse.GetValue(apiKeyEnv);
            if (keyVariable is not null && !Names.IsVariableName(keyVariable))
            {
                // The value is not echoed: it may be the key itself, given by mistake.
                throw new CliException("--api-key-env takes the name of an environment variable (letters, digits and '_'), such as --api-key-env MCP_API_KEY, not the key: the key itself never goes on a command line.");
            }

            var signsIn = parse.GetValue(oauth) || ProjectSignsInWithOAuth(parse.GetValue(project)!, parse.GetValue(env));
            if (signsIn && keyVariable is not null)
            {
                throw new CliException("this server signs clients in with OAuth ([auth] mode = \"oauth\" in .pmcp/deploy.toml, or --oauth): each client gets its own token when it signs in, so leave out --api-key-env.");
            }

            var serverName = parse.GetValue(name) ?? ServerName(parse.GetValue(project)!);
            if (!ServerNamePattern().IsMatch(serverName))
            {
                throw new CliException($"'{serverName}' cannot name a server in the clients' configuration: use letters, digits, '-' and '_', starting with a letter, for example --name my-server.");
            }

            var chosen = parse.GetValue(client)!;
            if (chosen != McpClientKind.All)
            {
                var setup = ClientConfigs.For(chosen, serverName, endpoint, keyVariable, signsIn);
                if (setup.Problem is not null)
                {
                    throw new CliException(setup.Problem);
                }

                Console.Error.WriteLine($"{setup.Title}: {setup.Where}");
                Console.WriteLine(setup.Text);
                return 0;
            }

            var text = new StringBuilder();
            text.Append("Server ").Append(serverName).Append(" at ").Append(endpoint.AbsoluteUri).AppendLine(signsIn ? ", signing clients in with OAuth" : "");
            foreach (var each in McpClientKind.Each)
            {
                var setup = ClientConfigs.For(each, serverName, endpoint, keyVariable, signsIn);
                text.AppendLine().Append("== ").Append(setup.Title).Append(" (--client ").Append(setup.Client).AppendLine(")");
                if (setup.Problem is not null)
                {
                    text.AppendLine(setup.Problem);
                    continue;
                }

                text.AppendLine(setup.Where).AppendLine().AppendLine(setup.Text);
            }

            Console.Write(text.ToString());
            return 0;
        });
        return command;
    }

    private static string EndpointText(DirectoryInfo location, string? url, bool deployed, string? environment)
    {
        if (deployed && url is not null)
        {
            throw new CliException("--deployed and --url both name the endpoint: give one of them.");
        }

        if (!deployed)
        {
            return environment is null ? url ?? LocalEndpoint : throw new CliException("--env goes with --deployed (the environment's recorded endpoint), e.g. dotnet pmcp connect --deployed --env staging.");
        }

        var directory = ProjectDirectory(location);
        var output = DeployOutputsCommand.Find(directory, environment);
        return output.McpEndpoint ?? throw new CliException($"the deployment of {output.WorkerName} has no URL (workers_dev is off and no route names one host). Give the endpoint with --url.");
    }

    /// <summary>Whether the project's deploy.toml (its <c>[auth]</c>, under <c>[env.NAME.auth]</c> for an environment) says <c>mode = "oauth"</c>.</summary>
    private static bool ProjectSignsInWithOAuth(DirectoryInfo location, string? environment)
    {
        var directory = ProjectDirectory(location);
        var deployToml = Path.Combine(directory, ".pmcp", "deploy.toml");
        if (!File.Exists(deployToml))
        {
            return false;
        }

        var config = DeployConfigReader.Load(deployToml, DeployProject.Display(deployToml));
        var auth = config.Environments.FirstOrDefault(e => e.Key == environment) is { } chosen ? chosen.EffectiveAuth(config) : config.Auth;
        return auth?.Mode == DeployAuth.OAuth;
    }

    /// <summary>The project's folder: the one given, or the folder of the .csproj given.</summary>
    private static string ProjectDirectory(DirectoryInfo location) =>
        location.Extension == ".csproj" ? Path.GetDirectoryName(location.FullName)! : location.FullName;

    /// <summary>The endpoint as an absolute http(s) URL; a bare origin gets the /mcp path every Pmcp server serves.</summary>
    private static Uri Endpoint(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"--url must be an http or https URL such as https://my-server.example.workers.dev/mcp, not '{value}'.");
        }

        return uri.AbsolutePath == "/" && uri.Query.Length == 0 ? new Uri(uri, "/mcp") : uri;
    }

    /// <summary>The project's name in kebab-case (HelloWorld → hello-world), from the folder's one .csproj or else the folder's name.</summary>
    private static string ServerName(DirectoryInfo location)
    {
        var projectName = location.Extension == ".csproj" ? Path.GetFileNameWithoutExtension(location.Name)
            : location.Exists && location.GetFiles("*.csproj") is [var single] ? Path.GetFileNameWithoutExtension(single.Name)
            : location.Exists ? location.Name
            : throw new CliException($"no folder {location.FullName}. Give the server project's folder, or name the server with --name.");
        var kebab = Names.DashWords(projectName).ToLowerInvariant();
        kebab = string.Join('-', NonNameCharacters().Split(kebab).Where(p => p.Length > 0));
        return kebab.Length > 0 && char.IsAsciiLetter(kebab[0]) ? kebab : "mcp-server";
    }

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NonNameCharacters();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*\\z")]
    private static partial Regex ServerNamePattern();
}
