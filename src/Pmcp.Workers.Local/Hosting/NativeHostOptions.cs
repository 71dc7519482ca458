using Pmcp.Workers;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>Where and how the native host listens, and the Worker environment it hands to every request.</summary>
public sealed class NativeHostOptions
{
    /// <summary>The address to bind; loopback by default, which also turns on the DNS-rebinding Host check.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; set; } = 8787;

    /// <summary>
    /// The Worker environment handed to every request (<c>context.GetEnv()</c>, the endpoint's settings); without one,
    /// tools see no vars and no bindings, and asking for one says how to declare it.
    /// </summary>
    public Env? Env { get; set; }

    /// <summary>
    /// Vars set over <see cref="Env"/>, as <c>dotnet pmcp dev</c> sets them for workerd: <c>MCP_API_KEY</c> from
    /// <c>--api-key-env</c>, <c>PMCP_ALLOWED_ORIGINS</c> from <c>--allow-origin</c>, <c>PMCP_MAX_BODY_BYTES</c> (see
    /// <see cref="McpEndpointOptions"/>). On loopback, <c>PMCP_ALLOWED_HOSTS</c> is set to the loopback names unless
    /// given here.
    /// </summary>
    public IDictionary<string, string> Vars { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether <see cref="Host"/> is a loopback address (<c>127.0.0.1</c>, <c>localhost</c>, <c>::1</c>): then only the
    /// loopback names are accepted in the <c>Host</c> header, unless <see cref="Vars"/> sets <c>PMCP_ALLOWED_HOSTS</c>.
    /// </summary>
    public bool IsLoopback => Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";
}
