using System.CommandLine;

namespace Pmcp.Cli.Commands;

/// <summary>Arguments and options several commands share, so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<DirectoryInfo> ProjectArgument() => new("project-dir")
    {
        Description = "The server project's folder (or its .csproj). Default: the current folder.",
        DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
    };

    /// <summary>The chapter's <c>--target</c>; Cloudflare Workers is the one target today.</summary>
    public static Option<string> TargetOption()
    {
        var option = new Option<string>("--target") { Description = "Where to deploy.", DefaultValueFactory = _ => "cloudflare-workers" };
        option.AcceptOnlyFromAmong("cloudflare-workers");
        return option;
    }

    /// <summary>wrangler's <c>--env</c>: one of the <c>[env.NAME]</c> sections of deploy.toml; none is the top-level Worker.</summary>
    public static Option<string?> EnvOption() => new("--env", "-e")
    {
        Description = "The environment ([env.NAME] in .pmcp/deploy.toml, such as staging or production). Default: the top-level Worker.",
    };
}
