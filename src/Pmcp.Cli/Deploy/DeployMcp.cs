using Tomlyn.Model;

namespace Pmcp.Cli.Deploy;

/// <summary>
/// <c>[mcp]</c> of deploy.toml: how the MCP endpoint serves. <c>sessions = true</c> gives clients of the revisions with
/// <c>initialize</c> (2025-11-25 and before) sessions (docs/sessions.md); <c>session_ttl</c> is an idle session's
/// lifetime in seconds. Written to wrangler.toml's vars as <c>PMCP_SESSIONS</c> and <c>PMCP_SESSION_TTL</c>, which
/// both hosts read.
/// </summary>
internal sealed record DeployMcp
{
    /// <summary>The keys an <c>[mcp]</c> table may hold.</summary>
    public static readonly string[] Keys = ["sessions", "session_ttl"];

    /// <summary>The var names, as the Worker reads them (<c>Pmcp.Workers.McpEndpointOptions</c>).</summary>
    public const string SessionsVar = "PMCP_SESSIONS";

    public const string SessionTtlVar = "PMCP_SESSION_TTL";

    /// <summary>Whether sessions are on; null when the table does not say (off).</summary>
    public bool? Sessions { get; init; }

    /// <summary>An idle session's lifetime in seconds; null: the Worker's default (1800).</summary>
    public long? SessionTtl { get; init; }

    /// <summary>The vars the Worker reads, in a fixed order.</summary>
    public IEnumerable<KeyValuePair<string, object>> Vars()
    {
        if (Sessions is true)
        {
            yield return new(SessionsVar, "true");
            if (SessionTtl is { } ttl)
            {
                yield return new(SessionTtlVar, ttl.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The keys this table sets, as deploy.toml lines.</summary>
    public string Lines() =>
        (Sessions is { } sessions ? TomlText.Line("sessions", sessions) : "")
        + (SessionTtl is { } ttl ? TomlText.Line("session_ttl", ttl) : "");

    /// <summary>Reads an <c>[mcp]</c> table; <paramref name="error"/> words what is wrong.</summary>
    public static DeployMcp From(TomlTable table, Func<string, Exception> error)
    {
        bool? sessions = table.TryGetValue("sessions", out var s)
            ? s as bool? ?? throw error("[mcp] sessions must be true or false (without quotes).")
            : null;
        long? ttl = table.TryGetValue("session_ttl", out var t)
            ? t is long seconds && seconds > 0 ? seconds : throw error("[mcp] session_ttl is an idle session's lifetime in seconds, a positive integer, e.g. session_ttl = 1800.")
            : null;
        return new DeployMcp { Sessions = sessions, SessionTtl = ttl };
    }
}
