using System.CommandLine;
using Pmcp.Cli.Testing;

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

    public Option<string?> TokenEnv { get; } = TokenEnvOption();

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
        command.Add(TokenEnv);
        command.Add(Timeout);
        command.Add(StartTimeout);
        return command;
    }

    /// <summary>The <c>--token-env</c> of every test command and of <c>deploy test</c> and <c>deploy --test</c>.</summary>
    public static Option<string?> TokenEnvOption() => new("--token-env")
    {
        Description = "For an OAuth server: send 'Authorization: Bearer <token>', an access token read from this environment variable (never printed). Get one from the server's authorization server for its resource (docs/testing.md: Signed-in servers).",
    };

    /// <summary>The Authorization credential of <paramref name="parse"/>'s --api-key-env or --token-env (see <see cref="TestTarget.ReadBearer"/>).</summary>
    public string? ReadBearer(ParseResult parse) => TestTarget.ReadBearer(parse.GetValue(ApiKeyEnv), parse.GetValue(TokenEnv));

    /// <summary>
    /// Runs a test command's work: a <see cref="CliException"/> is exit code 2 with its message (the server could not
    /// be tested), Ctrl+C or SIGTERM is 130 with "Stopped before the <paramref name="what"/> finished." and no report.
    /// </summary>
    public static async Task<int> GuardAsync(string what, Func<Task<int>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A project's server is stopped by then (the target is disposed on the way out).
            Console.Error.WriteLine($"Stopped before the {what} finished.");
            return 130;
        }
    }

    private static Option<string> CreateFormat()
    {
        var format = new Option<string>("--format") { Description = "text (a table), json, or junit (XML that CI systems read).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "junit");
        return format;
    }
}
