using Pmcp.Http;
using Pmcp.Workers;

namespace Pmcp.Workers.Local.Hosting;

/// <summary>Where and how the native host listens.</summary>
public sealed class NativeHostOptions
{
    /// <summary>The address to bind; loopback by default, which also turns on the DNS-rebinding Host check.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one.</summary>
    public int Port { get; set; } = 8787;

    public StreamableHttpOptions Http { get; } = new();

    /// <summary>
    /// The Worker environment handed to every request (<c>context.GetEnv()</c>); without one, tools see no vars and no
    /// bindings, and asking for one says how to declare it.
    /// </summary>
    public Env? Env { get; set; }

    public bool IsLoopback => Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";
}
