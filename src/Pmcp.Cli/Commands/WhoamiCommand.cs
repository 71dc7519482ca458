using System.CommandLine;
using Pmcp.Cli.Tools;

namespace Pmcp.Cli.Commands;

/// <summary><c>dotnet pmcp whoami</c>: the chapter's <c>wrangler whoami</c>, through the pinned wrangler.</summary>
internal static class WhoamiCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print it as JSON; exits non-zero when not logged in." };
        var account = new Option<string?>("--account") { Description = "Show your membership of this account (its id or name)." };

        var command = new Command("whoami", $"""
            Show who wrangler deploys as: the login of dotnet pmcp login, or the API token in {LoginCommand.ApiTokenVariable},
            with its email and the accounts it reaches (their ids are what account_id in .pmcp/deploy.toml or
            CLOUDFLARE_ACCOUNT_ID take). As `wrangler whoami`, with the pinned wrangler {PinnedTools.Wrangler}.

            Examples:
              dotnet pmcp whoami
              dotnet pmcp whoami --json
              dotnet pmcp whoami --account "My Company"
            """)
        {
            json, account,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            List<string> arguments = ["whoami"];
            if (parse.GetValue(json))
            {
                arguments.Add("--json");
            }

            if (parse.GetValue(account) is { } name)
            {
                arguments.AddRange(["--account", name]);
            }

            return await WranglerSession.RunAsync(arguments, cancellationToken);
        });
        return command;
    }
}
