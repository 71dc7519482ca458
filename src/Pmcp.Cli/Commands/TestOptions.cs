using System.CommandLine;

namespace Pmcp.Cli.Commands;

/// <summary>The arguments and options every <c>dotnet pmcp test</c> command shares, so they read the same everywhere.</summary>
internal sealed class TestOptions
{
    public Argument<string> Target { get; } = new("url-or-project-dir")
    {
        Description = "An MCP endpoint (http://…/mcp), or a server project's folder to start with dev, test and stop. Default: the current folder.",
        DefaultValueFactory = _ => ".",
    };

    public Option<bool> Native { get; } = new("--native") { Description = "For a project: serve it natively on Kestrel instead of in workerd." };

    public Option<string> Format { get; } = CreateFormat();

    public Option<string?> ApiKeyEnv { get; } = new("--api-key-env") { Description = "Send 'Authorization: Bearer <key>', the key read from this environment variable (never printed). For a project, dev requires it too." };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for each answer.", DefaultValueFactory = _ => 30 };

    public Option<int> StartTimeout { get; } = new("--start-timeout") { Description = "For a project: seconds to wait for it to build and start.", DefaultValueFactory = _ => 600 };

    /// <summary>Adds the target and the shared options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command, bool target = true)
    {
        if (target)
        {
            command.Add(Target);
        }

        command.Add(Native);
        command.Add(Format);
        command.Add(ApiKeyEnv);
        command.Add(Timeout);
        command.Add(StartTimeout);
        return command;
    }

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format") { Description = "text (a table), json, or junit (XML that CI systems read).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "junit");
        return format;
    }
}
