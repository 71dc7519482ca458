using System.CommandLine;
using System.Globalization;
using Pmcp.Cli.Tools;

namespace Pmcp.Cli.Commands;

/// <summary>
/// <c>dotnet pmcp login</c>: the chapter's <c>wrangler login</c>, through the pinned wrangler, so nobody needs wrangler on
/// PATH. wrangler keeps the OAuth token in its own configuration, where deploy, secrets and logs (which run the same
/// wrangler) find it.
/// </summary>
internal static class LoginCommand
{
    /// <summary>The variable that makes wrangler use an API token instead of a login.</summary>
    public const string ApiTokenVariable = "CLOUDFLARE_API_TOKEN";

    public static Command Create()
    {
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the sign-in link instead of opening a browser: open it in a browser that reaches this machine's localhost:8976 (an SSH port forward will do)." };
        var device = new Option<bool>("--device") { Description = "Sign in with a code on another device (OAuth device authorization): for containers and SSH sessions, where the browser cannot reach localhost." };
        var callbackPort = new Option<int?>("--callback-port") { Description = "The port wrangler waits on for the sign-in to return. Default: 8976. The sign-in page still returns to localhost:8976, so forward that port to this one (containers)." };

        var command = new Command("login", $"""
            Log in to Cloudflare in your browser (OAuth), as `wrangler login`, with the pinned wrangler
            {PinnedTools.Wrangler} (installed on first use): no wrangler on PATH needed. wrangler keeps the token in its own
            configuration (~/.wrangler or ~/.config/.wrangler), where dotnet pmcp deploy, deploy secrets and deploy logs
            find it. Check with dotnet pmcp whoami.
            In CI use an API token instead: set {ApiTokenVariable} (and CLOUDFLARE_ACCOUNT_ID); login is then not needed.

            Examples:
              dotnet pmcp login
              dotnet pmcp login --no-browser                 print the link, for a machine without a browser
              dotnet pmcp login --device                     a code to enter on another device (containers, SSH)
            """)
        {
            noBrowser, device, callbackPort,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Environment.GetEnvironmentVariable(ApiTokenVariable) is { Length: > 0 })
            {
                throw new CliException($"{ApiTokenVariable} is set, so wrangler and dotnet pmcp deploy use that API token and need no login. " +
                    $"To log in with your browser instead, unset it first (unset {ApiTokenVariable}).");
            }

            List<string> arguments = ["login"];
            if (parse.GetValue(noBrowser))
            {
                arguments.Add("--browser=false");
            }

            if (parse.GetValue(device))
            {
                arguments.Add("--device");
            }

            if (parse.GetValue(callbackPort) is { } port)
            {
                arguments.AddRange(["--callback-port", port.ToString(CultureInfo.InvariantCulture)]);
            }

            return await WranglerSession.RunAsync(arguments, cancellationToken);
        });
        return command;
    }
}
