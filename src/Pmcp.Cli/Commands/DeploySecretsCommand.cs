using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Pmcp.Cli.Commands;

/// <summary>
/// <c>dotnet pmcp deploy secrets set|list|delete</c>: the Worker's secrets, through wrangler secret. A value comes from
/// stdin, an environment variable or a hidden prompt; it is never printed and never on a command line.
/// </summary>
internal static class DeploySecretsCommand
{
    public static Command Create()
    {
        var command = new Command("secrets", """
            Manage the deployed Worker's secrets (read in C# with env.Secret("NAME")). Locally, dotnet pmcp dev reads
            them from .pmcp/workers/.dev.vars instead.

            Examples:
              dotnet pmcp deploy secrets set MCP_API_KEY                      asks for the value (hidden)
              printf %s "$KEY" | dotnet pmcp deploy secrets set MCP_API_KEY --env production
              dotnet pmcp deploy secrets set DATABASE_PASSWORD --from-env DATABASE_PASSWORD
              dotnet pmcp deploy secrets list
              dotnet pmcp deploy secrets delete MCP_API_KEY --yes
            """);
        command.Add(SetCommand());
        command.Add(ListCommand());
        command.Add(DeleteCommand());
        return command;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The secret's name, such as MCP_API_KEY (letters, digits and '_')." };

    private static Command SetCommand()
    {
        var name = NameArgument();
        var project = CommonOptions.ProjectArgument();
        var env = CommonOptions.EnvOption();
        var fromEnv = new Option<string?>("--from-env") { Description = "Read the value from this environment variable (its name, not the value)." };
        var command = new Command("set", """
            Create or replace a secret. The value is read from --from-env VARIABLE, else from stdin when it is piped,
            else from a hidden prompt. It is passed to wrangler on its stdin: never echoed, never on a command line.

            Examples:
              dotnet pmcp deploy secrets set MCP_API_KEY
              printf %s "$KEY" | dotnet pmcp deploy secrets set MCP_API_KEY --env staging
              dotnet pmcp deploy secrets set MCP_API_KEY --from-env MCP_API_KEY
            """)
        {
            name, project, env, fromEnv,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var secret = ValidName(parse.GetValue(name)!);
            var value = ReadValue(secret, parse.GetValue(fromEnv));
            if (DeployContext.Open(parse.GetValue(project)!, parse.GetValue(env)) is not { } context)
            {
                return 1;
            }

            var wrangler = await context.WranglerAsync(cancellationToken);
            var run = await wrangler.RunAsync(["secret", "put", secret, .. context.Target.EnvArguments], cancellationToken, standardInput: value);
            if (!run.Succeeded)
            {
                return DeployContext.Failed($"setting the secret {secret}", run);
            }

            Console.WriteLine($"Set the secret {secret} of {context.Target.Describe()}.");
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var project = CommonOptions.ProjectArgument();
        var env = CommonOptions.EnvOption();
        var format = new Option<string>("--format") { Description = "text (a table) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("list", """
            List the names of the Worker's secrets (values are never shown: Cloudflare does not return them).

            Examples:
              dotnet pmcp deploy secrets list
              dotnet pmcp deploy secrets list --env production --format json
            """)
        {
            project, env, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (DeployContext.Open(parse.GetValue(project)!, parse.GetValue(env)) is not { } context)
            {
                return 1;
            }

            var wrangler = await context.WranglerAsync(cancellationToken);
            var run = await wrangler.RunAsync(["secret", "list", "--format", "json", .. context.Target.EnvArguments], cancellationToken);
            if (!run.Succeeded)
            {
                return DeployContext.Failed("listing the secrets", run);
            }

            var names = SecretNames(run.Output);
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(names, SecretNamesJsonContext.Default.IReadOnlyListString));
                return 0;
            }

            if (names.Count == 0)
            {
                Console.WriteLine($"{context.Target.Describe()} has no secrets. Add one with dotnet pmcp deploy secrets set NAME.");
                return 0;
            }

            var table = new Table().AddColumn($"Secrets of {Markup.Escape(context.Target.WorkerName)}");
            foreach (var each in names)
            {
                table.AddRow(Markup.Escape(each));
            }

            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static Command DeleteCommand()
    {
        var name = NameArgument();
        var project = CommonOptions.ProjectArgument();
        var env = CommonOptions.EnvOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (needed without a terminal, as in CI)." };
        var command = new Command("delete", """
            Delete a secret from the Worker. Asks first unless --yes.

            Examples:
              dotnet pmcp deploy secrets delete MCP_API_KEY
              dotnet pmcp deploy secrets delete MCP_API_KEY --env staging --yes
            """)
        {
            name, project, env, yes,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var secret = ValidName(parse.GetValue(name)!);
            if (DeployContext.Open(parse.GetValue(project)!, parse.GetValue(env)) is not { } context)
            {
                return 1;
            }

            var envFlag = context.Target.Environment is null ? "" : $" --env {context.Target.Environment}";
            if (!DeployContext.Confirm($"Delete the secret {secret} of {context.Target.Describe()}?", parse.GetValue(yes), $"dotnet pmcp deploy secrets delete {secret}{envFlag} --yes"))
            {
                Console.WriteLine("Nothing deleted.");
                return 0;
            }

            var wrangler = await context.WranglerAsync(cancellationToken);
            var run = await wrangler.RunAsync(["secret", "delete", secret, .. context.Target.EnvArguments], cancellationToken);
            if (!run.Succeeded)
            {
                return DeployContext.Failed($"deleting the secret {secret}", run);
            }

            Console.WriteLine($"Deleted the secret {secret} of {context.Target.Describe()}.");
            return 0;
        });
        return command;
    }

    private static string ValidName(string name) => Names.IsVariableName(name)
        ? name
        : throw new CliException($"'{name}' cannot name a secret: use letters, digits and '_', starting with a letter or '_', such as MCP_API_KEY.");

    /// <summary>The value, from the named variable, piped stdin, or a hidden prompt; never empty.</summary>
    private static string ReadValue(string secret, string? variable)
    {
        string? value;
        if (variable is not null)
        {
            if (!Names.IsVariableName(variable))
            {
                // Not echoed: it may be the value itself, given by mistake.
                throw new CliException("--from-env takes the name of an environment variable (letters, digits and '_'), not the value: a secret never goes on a command line.");
            }

            value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value))
            {
                throw new CliException($"--from-env {variable}: that environment variable is empty. Set it first, e.g. export {variable}=…");
            }

            return value;
        }

        if (Console.IsInputRedirected)
        {
            value = Console.In.ReadToEnd();
            // `echo value | …` adds a newline that is not part of the secret.
            value = value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value;
        }
        else
        {
            value = AnsiConsole.Prompt(new TextPrompt<string>($"Value of {Markup.Escape(secret)}:").Secret());
        }

        return value.Length > 0
            ? value
            : throw new CliException($"the value of {secret} is empty. Pipe it in (printf %s \"$VALUE\" | dotnet pmcp deploy secrets set {secret}) or use --from-env VARIABLE.");
    }

    /// <summary>The names from <c>wrangler secret list --format json</c> (an array of {name, type}), sorted.</summary>
    private static List<string> SecretNames(string output)
    {
        var start = output.IndexOf('[', StringComparison.Ordinal);
        var end = output.LastIndexOf(']');
        if (start < 0 || end < start)
        {
            throw new CliException($"wrangler secret list printed no list:\n{output.Trim()}");
        }

        using var document = JsonDocument.Parse(output[start..(end + 1)]);
        return [.. document.RootElement.EnumerateArray()
            .Select(e => e.TryGetProperty("name", out var n) ? n.GetString() : null)
            .OfType<string>()
            .Order(StringComparer.Ordinal)];
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SecretNamesJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
