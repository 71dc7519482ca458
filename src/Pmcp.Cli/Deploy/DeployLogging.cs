using System.Globalization;
using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>[logging]</c> of deploy.toml (and <c>[env.NAME.logging]</c>, whose keys replace those of <c>[logging]</c> for
/// that environment: staging <c>all</c>, production <c>errors</c>): the Worker's structured request lines, one JSON
/// line per MCP message, and whether handler failures are logged with their exceptions' messages. Written to
/// wrangler.toml's vars as <c>PMCP_REQUEST_LOG</c>, <c>PMCP_REQUEST_LOG_SAMPLE_RATE</c>,
/// <c>PMCP_REQUEST_LOG_ARGUMENT_NAMES</c> and <c>PMCP_LOG_EXCEPTION_MESSAGES</c>, which both hosts read.
/// </summary>
internal sealed record DeployLogging
{
    /// <summary>The keys a <c>[logging]</c> table may hold.</summary>
    public static readonly string[] Keys = ["requests", "sample_rate", "argument_names", "exception_messages"];

    /// <summary>The levels <c>requests</c> takes.</summary>
    public static readonly string[] Levels = ["off", "errors", "all"];

    /// <summary>The var names, as the Worker reads them (<c>Pmcp.Http.RequestLogOptions</c>).</summary>
    public const string LevelVar = "PMCP_REQUEST_LOG";

    public const string SampleRateVar = "PMCP_REQUEST_LOG_SAMPLE_RATE";

    public const string ArgumentNamesVar = "PMCP_REQUEST_LOG_ARGUMENT_NAMES";

    public const string ExceptionMessagesVar = "PMCP_LOG_EXCEPTION_MESSAGES";

    /// <summary><c>off</c>, <c>errors</c> or <c>all</c>; null when this table does not say (an environment's inherits).</summary>
    public string? Requests { get; init; }

    /// <summary>The share of <c>ok</c> lines kept (0 to 1); null: all.</summary>
    public double? SampleRate { get; init; }

    /// <summary>Whether a <c>tools/call</c> line names its arguments (never their values).</summary>
    public bool? ArgumentNames { get; init; }

    /// <summary>Whether a handler's failure is logged with its exception's message (which may quote an argument): for debugging.</summary>
    public bool? ExceptionMessages { get; init; }

    /// <summary>This table's keys over <paramref name="inherited"/>'s.</summary>
    public DeployLogging Over(DeployLogging? inherited) => inherited is null ? this : new DeployLogging
    {
        Requests = Requests ?? inherited.Requests,
        SampleRate = SampleRate ?? inherited.SampleRate,
        ArgumentNames = ArgumentNames ?? inherited.ArgumentNames,
        ExceptionMessages = ExceptionMessages ?? inherited.ExceptionMessages,
    };

    /// <summary>The vars the Worker reads, in a fixed order.</summary>
    public IEnumerable<KeyValuePair<string, object>> Vars()
    {
        yield return new(LevelVar, Requests ?? "all");
        if (SampleRate is { } rate)
        {
            yield return new(SampleRateVar, rate.ToString(CultureInfo.InvariantCulture));
        }

        if (ArgumentNames is true)
        {
            yield return new(ArgumentNamesVar, "true");
        }

        if (ExceptionMessages is true)
        {
            yield return new(ExceptionMessagesVar, "true");
        }
    }

    /// <summary>The keys this table sets, as deploy.toml lines.</summary>
    public string Lines() =>
        (Requests is { } requests ? TomlText.Line("requests", requests) : "")
        + (SampleRate is { } rate ? TomlText.Line("sample_rate", rate) : "")
        + (ArgumentNames is { } names ? TomlText.Line("argument_names", names) : "")
        + (ExceptionMessages is { } messages ? TomlText.Line("exception_messages", messages) : "");

    /// <summary>Reads a <c>[logging]</c> table; <paramref name="error"/> words what is wrong.</summary>
    public static DeployLogging From(TomlTable table, string section, Func<string, Exception> error)
    {
        var requests = table.TryGetValue("requests", out var level) ? level as string : null;
        if (table.ContainsKey("requests") && requests is not ("off" or "errors" or "all"))
        {
            throw error($"[{section}] requests must be \"off\", \"errors\" or \"all\" (e.g. requests = \"errors\" in production, \"all\" in staging).");
        }

        double? rate = table.TryGetValue("sample_rate", out var r)
            ? DeployObservability.Rate(r) ?? throw error($"[{section}] sample_rate is the share of ok request lines kept, from 0 to 1, e.g. sample_rate = 0.1 for one in ten (error lines are always kept).")
            : null;
        bool? names = table.TryGetValue("argument_names", out var n)
            ? n as bool? ?? throw error($"[{section}] argument_names must be true or false (without quotes).")
            : null;
        bool? messages = table.TryGetValue("exception_messages", out var m)
            ? m as bool? ?? throw error($"[{section}] exception_messages must be true or false (without quotes); true logs the messages of handlers' exceptions, which may quote arguments or secrets.")
            : null;
        return new DeployLogging { Requests = requests, SampleRate = rate, ArgumentNames = names, ExceptionMessages = messages };
    }
}
